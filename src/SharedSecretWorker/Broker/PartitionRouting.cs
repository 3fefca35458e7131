using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Routes a request to its target's partition: a copy with the <see cref="RequestRouting.TargetKeyHeader"/>
/// header, published to the lane's consistent-hash exchange as the worker's own copy (its user_id), so
/// that its attempt and producer headers are trusted where it arrives (docs/messages.md, "Partitions").
/// </summary>
internal sealed class PartitionRouting(IPublisher publisher, Topology topology, BrokerConnection broker) : IPartitionRouting
{
    public Task RouteAsync(InboundMessage message, string targetKey, string? producer)
    {
        var headers = new Dictionary<string, object?>(message.Headers)
        {
            // A string, as every producer sends it: RabbitMQ 3.10's ring hashes the header's AMQP type
            // with its value, so the same key sent as another type could land elsewhere.
            [RequestRouting.TargetKeyHeader] = targetKey,
        };
        if (producer is not null) headers[MessageHeaders.Producer] = producer;
        headers.Remove("x-death");
        // The routing key stays the request's own (the ring hashes the header, not the key).
        var copy = OutgoingMessage.CopyOf(message, topology.PartitionExchangeOf(message.Lane), message.RoutingKey, broker.UserName, headers);
        return publisher.PublishAsync(copy, CancellationToken.None);
    }
}
