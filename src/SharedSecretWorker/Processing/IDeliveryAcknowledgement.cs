namespace SharedSecretWorker.Processing;

/// <summary>
/// Settles one delivery with the broker. Both throw <see cref="BrokerUnavailableException"/> when the
/// delivery's channel is gone, in which case the broker has already put the message back.
/// </summary>
public interface IDeliveryAcknowledgement
{
    /// <summary>The delivery is done with: the broker forgets it.</summary>
    ValueTask AckAsync();

    /// <summary>The delivery goes back to its queue for this or another worker (nack with requeue).</summary>
    ValueTask HandBackAsync();
}
