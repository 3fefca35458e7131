namespace SharedSecretWorker.Processing;

/// <summary>
/// Routes a request to its target's partition (the broker adapter publishes a copy carrying the target
/// key to the lane's partitions). Returns once the broker confirmed the copy; throws
/// <see cref="BrokerUnavailableException"/> otherwise.
/// </summary>
public interface IPartitionRouting
{
    /// <param name="message">The request, as delivered.</param>
    /// <param name="targetKey">Its target's key (<see cref="Contracts.Requests.RequestTarget.Key"/>).</param>
    /// <param name="producer">The RabbitMQ user that sent the original, when known.</param>
    Task RouteAsync(InboundMessage message, string targetKey, string? producer);
}
