namespace SharedSecretWorker.Processing;

/// <summary>
/// Moves a request that failed for good to the dead-letter queue, with its reason. Returns once the
/// broker confirmed the copy; throws <see cref="BrokerUnavailableException"/> otherwise.
/// </summary>
public interface IDeadLetterQueue
{
    /// <summary>Dead-letters <paramref name="message"/> with <paramref name="reason"/>.</summary>
    Task DeadLetterAsync(InboundMessage message, DeadLetterReason reason);
}
