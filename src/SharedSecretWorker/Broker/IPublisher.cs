namespace SharedSecretWorker.Broker;

/// <summary>
/// The broker seam for everything the worker sends: a publish completes only once the broker has
/// confirmed it (publisher confirms), so a delivery is acknowledged only after what it produced is safe.
/// </summary>
public interface IPublisher
{
    /// <summary>Publishes and waits for the broker's confirm; throws <see cref="BrokerUnavailableException"/> otherwise.</summary>
    Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
