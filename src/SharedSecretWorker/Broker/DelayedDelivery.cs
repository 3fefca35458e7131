using SharedSecretWorker.Contracts;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Delayed delivery through TTL queues: the copy waits in <c>PREFIX.LANE.MS</c> until its expiration,
/// then the queue dead-letters it to the lane's partition exchange, which hashes its target key back to
/// its own partition (RabbitMQ 3.10 has no per-message delay of its own; the delayed-message plugin is
/// not shipped with the broker).
/// </summary>
internal sealed class DelayedDelivery(IPublisher publisher, Topology topology, BrokerConnection broker) : IDelayedDelivery
{
    public Task DeliverLaterAsync(InboundMessage message, int step, TimeSpan delay, int nextAttempt, string? producer)
    {
        var headers = new Dictionary<string, object?>(message.Headers)
        {
            [MessageHeaders.Attempt] = nextAttempt,
        };
        if (producer is not null) headers[MessageHeaders.Producer] = producer;
        headers.Remove("x-death"); // the broker's own dead-letter history would grow with every delay
        // The request's own properties travel with it, so that a later dead letter still has them.
        var copy = OutgoingMessage.CopyOf(message, topology.DelayExchange, topology.DelayQueueOf(message.Lane, step), broker.UserName, headers);
        return publisher.PublishAsync(copy with { Expiration = delay }, CancellationToken.None);
    }
}
