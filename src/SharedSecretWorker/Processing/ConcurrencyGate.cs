using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Processing;

/// <summary>
/// At most <see cref="WorkerOptions.MaxConcurrency"/> jobs in flight; bulk jobs may take all but
/// one slot, so an interactive request waits at most for one job to finish.
/// </summary>
internal sealed class ConcurrencyGate : IDisposable
{
    private readonly SemaphoreSlim _all;
    private readonly SemaphoreSlim _bulk;
    private int _inFlight;

    public ConcurrencyGate(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 2);
        Capacity = maxConcurrency;
        _all = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        _bulk = new SemaphoreSlim(maxConcurrency - 1, maxConcurrency - 1);
    }

    /// <summary>Slots in all.</summary>
    public int Capacity { get; }

    /// <summary>Jobs holding a slot now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Waits for a slot of <paramref name="lane"/>; dispose the result to give it back.</summary>
    public async ValueTask<Slot> EnterAsync(Lane lane, CancellationToken cancellationToken)
    {
        if (lane == Lane.Bulk) await _bulk.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (lane == Lane.Bulk) _bulk.Release();
            throw;
        }
        Interlocked.Increment(ref _inFlight);
        return new Slot(this, lane);
    }

    private void Exit(Lane lane)
    {
        Interlocked.Decrement(ref _inFlight);
        _all.Release();
        if (lane == Lane.Bulk) _bulk.Release();
    }

    public void Dispose()
    {
        _all.Dispose();
        _bulk.Dispose();
    }

    /// <summary>A held slot.</summary>
    internal sealed class Slot(ConcurrencyGate gate, Lane lane) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Exit(lane);
        }
    }
}
