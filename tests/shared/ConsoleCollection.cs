namespace SharedSecretWorker.Tests.Shared;

/// <summary>
/// Tests that swap Console.Out, Console.Error, Console.In or environment variables (in-process CLI
/// runs, <see cref="CliRun"/>) share what is process-wide, so they run one at a time:
/// put them in [Collection(ConsoleCollection.Name)].
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Console and environment";
}
