namespace SharedSecretWorker.Benchmarks;

/// <summary>
/// A load harness run on demand against the local stack (deploy/local/stack up), printing one table.
/// Run: <c>dotnet run -c Release --project tests/benchmarks -- NAME [args]</c>.
/// </summary>
internal interface IHarness
{
    /// <summary>Name used on the command line.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    /// <summary>Runs the harness; returns the process exit code.</summary>
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
