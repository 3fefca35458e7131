using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>
/// One delivery's settlement: records "ack" and "handback", or "ack unconfirmed" / "handback unconfirmed"
/// when told to fail as a closed channel does (<see cref="BrokerUnavailableException"/>). An optional
/// gate holds the ack, to observe what runs while a job is not yet settled.
/// </summary>
internal sealed class FakeAcknowledgement(EventLog events) : IDeliveryAcknowledgement
{
    private int _acks;
    private int _handBacks;

    public bool FailAck { get; set; }

    /// <summary>When false, the delivery is no longer the worker's (its channel closed): holds are refused.</summary>
    public bool Owned { get; set; } = true;

    /// <summary>When set, runs as a hold is taken (after it was granted): a test loses the ownership there.</summary>
    public Action? OnHold { get; set; }

    public bool IsOwned => Owned;

    /// <summary>Holds taken and not yet released (not in the event log, which records what the broker sees).</summary>
    public int HoldsHeld => Volatile.Read(ref _holds);

    /// <summary>Holds taken in all.</summary>
    public int HoldsTaken => Volatile.Read(ref _taken);

    private int _holds;
    private int _taken;

    public IDisposable? TryHold()
    {
        if (!Owned) return null;
        Interlocked.Increment(ref _holds);
        Interlocked.Increment(ref _taken);
        OnHold?.Invoke();
        return new Released(this);
    }

    public bool FailHandBack { get; set; }

    /// <summary>When set, the ack waits for it before it is recorded.</summary>
    public Gate? HoldAck { get; set; }

    public int Acks => Volatile.Read(ref _acks);

    public int HandBacks => Volatile.Read(ref _handBacks);

    public async ValueTask AckAsync()
    {
        if (HoldAck is { } gate) await gate.PassAsync(CancellationToken.None);
        if (FailAck)
        {
            events.Add("ack unconfirmed");
            throw new BrokerUnavailableException("The channel is closed (test).");
        }
        Interlocked.Increment(ref _acks);
        events.Add("ack");
    }

    public ValueTask HandBackAsync()
    {
        if (FailHandBack)
        {
            events.Add("handback unconfirmed");
            throw new BrokerUnavailableException("The channel is closed (test).");
        }
        Interlocked.Increment(ref _handBacks);
        events.Add("handback");
        return ValueTask.CompletedTask;
    }

    private sealed class Released(FakeAcknowledgement owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._holds);
    }
}
