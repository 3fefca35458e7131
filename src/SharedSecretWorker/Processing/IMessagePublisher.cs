using SharedSecretWorker.Contracts.Messages;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Publishes what a request produces. Each call returns only once the broker confirmed the message
/// (publisher confirms), so a delivery is acknowledged only after what it produced is safe; it
/// throws <see cref="BrokerUnavailableException"/> otherwise.
/// </summary>
public interface IMessagePublisher
{
    /// <summary>Publishes a delivery notice to its channel (docs/messages.md, "Delivery notices").</summary>
    Task PublishNoticeAsync(DeliveryNotice notice, CancellationToken cancellationToken);

    /// <summary>Publishes a result (docs/messages.md, "Results").</summary>
    /// <param name="result">The result.</param>
    /// <param name="producer">The broker-validated user that sent the request, when known: the audit trail's initiator (docs/audit.md).</param>
    /// <param name="completed">For a completed request, what the other workers' duplicate memory needs; otherwise null.</param>
    /// <param name="cancellationToken">Cancels waiting for the confirm.</param>
    Task PublishResultAsync(ResultMessage result, string? producer, CompletedRequest? completed, CancellationToken cancellationToken);
}
