namespace SharedSecretWorker.Broker;

/// <summary>
/// Whether the deliveries of one consumer registration are still this worker's to act on
/// (docs/operations.md, "Fencing"). It ends in two ways:
/// <list type="bullet">
/// <item>lost: the channel closed (the connection dropped, a channel error). The broker has requeued
/// the deliveries already and may be giving them, or the partition, to another worker right now;</item>
/// <item>released: the worker gives the consumer up on purpose (a pause, a rebalance, shutdown). Before
/// the consumer is cancelled, which lets the broker activate the next single active consumer, the
/// release waits until no job holds the ownership: a job holds it from just before its directory write
/// until its notice is confirmed, so that no write or notice of this worker follows the next owner's.</item>
/// </list>
/// </summary>
internal sealed class ConsumerOwnership
{
    private readonly Lock _lock = new();
    private int _holds;
    private bool _ended;
    private TaskCompletionSource? _released;

    /// <summary>An ownership that has already ended (before a group's first registration).</summary>
    public static ConsumerOwnership Ended()
    {
        var ended = new ConsumerOwnership();
        ended.Lose();
        return ended;
    }

    /// <summary>True until the ownership is lost or released.</summary>
    public bool IsOwned
    {
        get
        {
            lock (_lock) return !_ended;
        }
    }

    /// <summary>A hold on the ownership, or null when it has ended.</summary>
    public IDisposable? TryHold()
    {
        lock (_lock)
        {
            if (_ended) return null;
            _holds++;
            return new Hold(this);
        }
    }

    /// <summary>The channel closed: the deliveries are no longer this worker's, held or not.</summary>
    public void Lose()
    {
        lock (_lock)
        {
            _ended = true;
            _released?.TrySetResult();
        }
    }

    /// <summary>Ends the ownership and returns once no job holds it any more.</summary>
    public Task ReleaseAsync()
    {
        lock (_lock)
        {
            _ended = true;
            if (_holds == 0) return Task.CompletedTask;
            _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _released.Task;
        }
    }

    private void Release()
    {
        lock (_lock)
        {
            _holds--;
            if (_holds == 0) _released?.TrySetResult();
        }
    }

    private sealed class Hold(ConsumerOwnership ownership) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) ownership.Release();
        }
    }
}
