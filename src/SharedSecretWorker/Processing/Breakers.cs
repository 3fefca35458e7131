namespace SharedSecretWorker.Processing;

/// <summary>The circuit breakers of the worker's dependencies; no job starts while one is open.</summary>
internal sealed class Breakers(CircuitBreaker directory, CircuitBreaker hsm) : IDisposable
{
    /// <summary>Guards the LDAP directory.</summary>
    public CircuitBreaker Directory { get; } = directory;

    /// <summary>Guards the HSM.</summary>
    public CircuitBreaker Hsm { get; } = hsm;

    /// <summary>True while any breaker is open (readiness).</summary>
    public bool AnyOpen => Directory.IsOpen || Hsm.IsOpen;

    public async Task WaitUntilClosedAsync(CancellationToken cancellationToken)
    {
        // Loop: one breaker may open while waiting for the other.
        while (AnyOpen)
        {
            await Directory.WaitUntilClosedAsync(cancellationToken).ConfigureAwait(false);
            await Hsm.WaitUntilClosedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        Directory.Dispose();
        Hsm.Dispose();
    }
}
