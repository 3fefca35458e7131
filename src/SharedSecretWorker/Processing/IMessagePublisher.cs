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
    Task PublishResultAsync(ResultMessage result, CancellationToken cancellationToken);
}
