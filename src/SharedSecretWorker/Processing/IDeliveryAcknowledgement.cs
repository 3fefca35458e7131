namespace SharedSecretWorker.Processing;

/// <summary>
/// Settles one delivery with the broker, and tells whether it is still this worker's to act on. Ack and
/// hand-back throw <see cref="BrokerUnavailableException"/> when the delivery's channel is gone, in which
/// case the broker has already put the message back.
/// </summary>
public interface IDeliveryAcknowledgement
{
    /// <summary>
    /// False once the delivery is no longer this worker's: its channel closed, or its consumer was given up
    /// (the broker then gives the delivery, or the next request for the same target, to another consumer).
    /// </summary>
    bool IsOwned { get; }

    /// <summary>
    /// Holds the delivery's ownership (docs/operations.md, "Fencing"): while a hold is held, the worker
    /// does not give the delivery's consumer up on purpose. Null when the delivery is no longer owned:
    /// nothing may then be written for it. Losing the channel ends the ownership even while held.
    /// </summary>
    IDisposable? TryHold();

    /// <summary>The delivery is done with: the broker forgets it.</summary>
    ValueTask AckAsync();

    /// <summary>The delivery goes back to its queue for this or another worker (nack with requeue).</summary>
    ValueTask HandBackAsync();
}
