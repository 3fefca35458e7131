using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Declares every exchange and queue at start-up. Declarations are idempotent as long as the
/// arguments do not change; a queue declared earlier with other arguments makes the broker refuse
/// (PRECONDITION_FAILED), which start-up reports with the queue's name.
/// </summary>
internal sealed class Topology(TopologyOptions names, RetryOptions retry)
{
    /// <summary>The queue of a lane.</summary>
    public string QueueOf(Lane lane) => lane == Lane.Bulk ? names.BulkQueue : names.InteractiveQueue;

    /// <summary>The delay queue for <paramref name="lane"/> and retry step <paramref name="step"/>.</summary>
    public string RetryQueueOf(Lane lane, int step)
    {
        var delay = retry.Delays[Math.Clamp(step, 0, retry.Delays.Length - 1)];
        return $"{names.RetryQueuePrefix}.{lane.ToString().ToLowerInvariant()}.{(long)delay.TotalMilliseconds}";
    }

    public async Task DeclareAsync(IChannel channel, ILogger logger, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(names.RequestsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.ResultsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.NoticesExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.RetryExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);

        await channel.QueueDeclareAsync(names.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(names.DeadLetterQueue, names.DeadLetterExchange, "", cancellationToken: cancellationToken).ConfigureAwait(false);

        // Every dead letter also reaches the worker's own delivery-limit queue (DeliveryLimitConsumer),
        // which reports those the broker dead-lettered past a lane's delivery limit. No dead-letter
        // exchange of its own: a copy that cannot be reported within the limit is dropped, never
        // sent round the dead-letter exchange again (it is in the dead-letter queue anyway).
        await channel.QueueDeclareAsync(names.DeliveryLimitQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = names.DeliveryLimit,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(names.DeliveryLimitQueue, names.DeadLetterExchange, "", cancellationToken: cancellationToken).ConfigureAwait(false);

        foreach (var lane in Enum.GetValues<Lane>())
        {
            var queue = QueueOf(lane);
            // Quorum queues drop a message past x-delivery-limit unless a dead-letter exchange is set.
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = names.DeliveryLimit,
                ["x-dead-letter-exchange"] = names.DeadLetterExchange,
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var kind in Enum.GetValues<RequestKind>())
            {
                await channel.QueueBindAsync(queue, names.RequestsExchange, RequestRouting.KeyOf(kind, lane), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            // Expired retries come back through the retry exchange under the lane queue's own name.
            await channel.QueueBindAsync(queue, names.RetryExchange, queue, cancellationToken: cancellationToken).ConfigureAwait(false);

            for (var step = 0; step < retry.Delays.Length; step++)
            {
                var retryQueue = RetryQueueOf(lane, step);
                // RabbitMQ 3.10 quorum queues cannot delay: a classic queue per delay whose TTL
                // dead-letters back into the lane's queue. All messages of one queue share the TTL,
                // so expiry at the head is never blocked. The dead-letter exchange is the retry
                // exchange, not the default one: declaring a queue that dead-letters to an exchange
                // needs write permission on it, and the worker's user has none on amq.default.
                await channel.QueueDeclareAsync(retryQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
                {
                    ["x-queue-type"] = "classic",
                    ["x-message-ttl"] = (long)retry.Delays[step].TotalMilliseconds,
                    ["x-dead-letter-exchange"] = names.RetryExchange,
                    ["x-dead-letter-routing-key"] = queue,
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                await channel.QueueBindAsync(retryQueue, names.RetryExchange, retryQueue, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        BrokerLog.TopologyDeclared(logger, names.RequestsExchange, names.InteractiveQueue, names.BulkQueue, names.DeadLetterQueue);
    }
}
