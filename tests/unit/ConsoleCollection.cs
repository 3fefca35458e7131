namespace SharedSecretWorker.Tests.Unit;

/// <summary>
/// Tests that swap Console.Out, Console.Error or Console.In (in-process CLI runs) share the process-wide
/// console, so they run one at a time: put them in [Collection(ConsoleCollection.Name)].
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Console";
}
