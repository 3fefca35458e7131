namespace SharedSecretWorker.Tests.Unit.Tokens;

/// <summary>
/// Tests that replace Console.Out, Console.Error or environment variables run alone: those are
/// process-wide, and xunit runs other collections in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Token CLI (console and environment)";
}
