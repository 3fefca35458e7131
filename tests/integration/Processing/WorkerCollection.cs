namespace SharedSecretWorker.Tests.Integration.Processing;

/// <summary>Tests that share one in-process worker.</summary>
[CollectionDefinition(Name)]
public sealed class WorkerCollection : ICollectionFixture<WorkerFixture>
{
    public const string Name = "Worker";
}
