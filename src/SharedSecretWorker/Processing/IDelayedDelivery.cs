namespace SharedSecretWorker.Processing;

/// <summary>
/// Schedules a copy of a request to be delivered again later (the broker adapter's delay queues;
/// RabbitMQ 3.10 quorum queues cannot delay a message themselves). Returns once the broker
/// confirmed the copy; throws <see cref="BrokerUnavailableException"/> otherwise.
/// </summary>
public interface IDelayedDelivery
{
    /// <param name="message">The request to deliver again.</param>
    /// <param name="step">Index of the delay in <see cref="RetryOptions.Delays"/>: which delay queue.</param>
    /// <param name="delay">How long to wait, at most the step's delay (jitter only shortens it).</param>
    /// <param name="nextAttempt">The attempt number the copy carries.</param>
    /// <param name="producer">The RabbitMQ user that sent the original, when known.</param>
    Task DeliverLaterAsync(InboundMessage message, int step, TimeSpan delay, int nextAttempt, string? producer);
}
