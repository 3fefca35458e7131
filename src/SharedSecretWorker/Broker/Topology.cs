using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Declares every exchange and queue at start-up (docs/messages.md, "Exchanges and queues" and
/// "Partitions"). Declarations are idempotent as long as the arguments do not change; a queue
/// declared earlier with other arguments makes the broker refuse (PRECONDITION_FAILED), which
/// start-up reports with the queue's name.
///
/// Per lane, requests go from the requests exchange to the lane's consistent-hash exchange, which
/// hashes the <see cref="RequestRouting.TargetKeyHeader"/> header onto one of P partition queues,
/// each a quorum queue with a single active consumer: one target, one partition, one worker at a
/// time. RabbitMQ 3.10's exchange hashes a missing header like any value (rabbit_exchange_type_consistent_hash,
/// value_to_hash: <c>undefined</c>), so a request without the header lands in one fixed partition,
/// whose worker routes it on with its key (<see cref="Processing.OutcomeKind.Misrouted"/>).
///
/// The ring maps hash buckets to queues in the order the queues were bound; after a restart of the
/// whole cluster the plugin rebuilds it from the bindings sorted by key and queue name. The partitions
/// are therefore named so that name order is bind order (zero-padded numbers), all bound once with the
/// same weight and no arguments, and never unbound: a rebind with the same key is the same binding,
/// an unbind would shift every later bucket (rabbitmq-server #9641).
/// </summary>
internal sealed class Topology(TopologyOptions names, RetryOptions retry)
{
    /// <summary>What the consistent-hash exchange hashes: the producer's target key (rabbitmq_consistent_hash_exchange, <c>hash-header</c>).</summary>
    private const string HashHeaderArgument = "hash-header";

    /// <summary>
    /// Each partition's weight on the hash ring. Equal weights spread keys evenly; the value is the
    /// binding key, so binding again with the same key on every start is the same binding (AMQP
    /// bindings are identified by source, destination, key and arguments), never a second one.
    /// </summary>
    private const string PartitionWeight = "1";

    /// <summary>Partition queues per lane.</summary>
    public int Partitions => names.Partitions;

    /// <summary>The consistent-hash exchange of a lane.</summary>
    public string PartitionExchangeOf(Lane lane) => $"{names.RequestsExchange}.{Word(lane)}.partitions";

    /// <summary>Partition queue <paramref name="partition"/> (0 … P-1) of a lane.</summary>
    public string PartitionQueueOf(Lane lane, int partition) => $"{LaneName(lane)}.p{partition:D2}";

    /// <summary>The lane's single queue from before partitioning (drained if it still exists).</summary>
    public string LegacyQueueOf(Lane lane) => LaneName(lane);

    /// <summary>The delay queue for <paramref name="lane"/> and retry step <paramref name="step"/>.</summary>
    public string DelayQueueOf(Lane lane, int step)
    {
        var delay = retry.Delays[Math.Clamp(step, 0, retry.Delays.Length - 1)];
        return $"{names.DelayQueuePrefix}.{Word(lane)}.{(long)delay.TotalMilliseconds}";
    }

    /// <summary>The direct exchange the worker publishes delayed copies to (routing key: the delay queue's name).</summary>
    public string DelayExchange => names.RetryExchange;

    /// <summary>The fanout exchange of the workers' presence announcements.</summary>
    public string PresenceExchange => names.PresenceExchange;

    /// <summary>Every partition queue, interactive lane first.</summary>
    public IReadOnlyList<RequestQueue> PartitionQueues() =>
        Enum.GetValues<Lane>().SelectMany(lane => Enumerable.Range(0, Partitions)
                .Select(p => new RequestQueue(lane, PartitionQueueOf(lane, p), p)))
            .ToArray();

    private string LaneName(Lane lane) => lane == Lane.Bulk ? names.BulkQueue : names.InteractiveQueue;

    private static string Word(Lane lane) => lane switch
    {
        Lane.Interactive => "interactive",
        Lane.Bulk => "bulk",
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, "Unknown lane."),
    };

    public async Task DeclareAsync(IChannel channel, ILogger logger, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(names.RequestsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.ResultsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.NoticesExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.RetryExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(names.PresenceExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);

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

        if (!string.IsNullOrEmpty(names.AuditStream)) await DeclareAuditStreamAsync(channel, cancellationToken).ConfigureAwait(false);

        foreach (var lane in Enum.GetValues<Lane>()) await DeclareLaneAsync(channel, lane, cancellationToken).ConfigureAwait(false);
        BrokerLog.TopologyDeclared(logger, names.RequestsExchange, PartitionExchangeOf(Lane.Interactive), PartitionExchangeOf(Lane.Bulk), Partitions, names.DeadLetterQueue,
            string.IsNullOrEmpty(names.AuditStream) ? "(none: Topology:AuditStream is empty)" : names.AuditStream);
    }

    /// <summary>
    /// The audit trail (docs/audit.md): a stream (RabbitMQ 3.9+ core, no plugin) bound to the results
    /// exchange with <c>#</c>. Publisher confirms come only once every queue a message was routed to has
    /// taken it (for a stream: written on a quorum of its replicas), so each result and lifecycle event the
    /// worker publishes, already confirmed before its delivery is acknowledged, is in the trail by then: no
    /// second publish, nothing that can be lost in between. Replicated on up to three nodes (RabbitMQ's
    /// default initial cluster size for streams). No <c>x-max-age</c> here: retention is the operator's
    /// policy (docs/operations.md, "Audit trail"), which a declaration's argument would override and which
    /// can be changed on a running stream, where an argument cannot.
    /// </summary>
    private async Task DeclareAuditStreamAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.QueueDeclareAsync(names.AuditStream, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-queue-type"] = "stream",
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(names.AuditStream, names.ResultsExchange, "#", cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task DeclareLaneAsync(IChannel channel, Lane lane, CancellationToken cancellationToken)
    {
        var partitions = PartitionExchangeOf(lane);
        await channel.ExchangeDeclareAsync(partitions, "x-consistent-hash", durable: true, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            [HashHeaderArgument] = RequestRouting.TargetKeyHeader,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var kind in Enum.GetValues<RequestKind>())
        {
            await channel.ExchangeBindAsync(partitions, names.RequestsExchange, RequestRouting.KeyOf(kind, lane), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        for (var p = 0; p < Partitions; p++)
        {
            var queue = PartitionQueueOf(lane, p);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                // Quorum: replicated on the cluster's nodes (RabbitMQ's default initial group size, 3,
                // puts a member on each node of a three-node cluster). A delivery limit also keeps a
                // requeued message at the head (rabbit_fifo returns) instead of the back. Quorum queues
                // drop a message past the limit unless a dead-letter exchange is set.
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = names.DeliveryLimit,
                ["x-dead-letter-exchange"] = names.DeadLetterExchange,
                // One consumer at a time receives the partition's requests: one worker per target.
                ["x-single-active-consumer"] = true,
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(queue, partitions, PartitionWeight, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        for (var step = 0; step < retry.Delays.Length; step++)
        {
            var delayQueue = DelayQueueOf(lane, step);
            // RabbitMQ 3.10 quorum queues expire messages (x-message-ttl) and dead-letter them
            // at-least-once (x-dead-letter-strategy, which needs x-overflow reject-publish): the copy
            // stays until the partition exchange has taken it, and it is replicated like the
            // partitions, where a classic delay queue lived on one node. All messages of one queue
            // share the TTL, so expiry at the head is never blocked for longer than the jitter. The
            // expired copy carries its target key, so the ring sends it back to its own partition.
            await channel.QueueDeclareAsync(delayQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-message-ttl"] = (long)retry.Delays[step].TotalMilliseconds,
                ["x-dead-letter-exchange"] = partitions,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(delayQueue, names.RetryExchange, delayQueue, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The lanes' queues from before partitioning that still exist (docs/operations.md, "Upgrading to
    /// partitions"): each is unbound from the requests exchange, so that no new request lands in it, and
    /// returned to be drained into the partitions. It stays bound to the delayed-delivery exchange, where
    /// the legacy delay queues still send their expired copies. Each check runs on a channel of its own:
    /// a passive declare of a missing queue closes its channel (404).
    /// </summary>
    public async Task<IReadOnlyList<RequestQueue>> LegacyQueuesAsync(IConnection connection, CancellationToken cancellationToken)
    {
        var found = new List<RequestQueue>();
        foreach (var lane in Enum.GetValues<Lane>())
        {
            var queue = LegacyQueueOf(lane);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
            {
                continue;
            }
            foreach (var kind in Enum.GetValues<RequestKind>())
            {
                await channel.QueueUnbindAsync(queue, names.RequestsExchange, RequestRouting.KeyOf(kind, lane), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            found.Add(new RequestQueue(lane, queue, null));
        }
        return found;
    }
}
