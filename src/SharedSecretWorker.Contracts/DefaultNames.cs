namespace SharedSecretWorker.Contracts;

/// <summary>
/// The agreed exchange and queue names (docs/messages.md, "Exchanges and queues"). A site may rename
/// them (configuration section <c>Topology</c>); these are the defaults both sides start from.
/// </summary>
public static class DefaultNames
{
    /// <summary>Topic exchange of requests.</summary>
    public const string RequestsExchange = "shrtok.requests";

    /// <summary>Quorum queue of interactive requests.</summary>
    public const string InteractiveQueue = "shrtok.requests.interactive";

    /// <summary>Quorum queue of bulk (batch) requests.</summary>
    public const string BulkQueue = "shrtok.requests.bulk";

    /// <summary>Topic exchange of results, routing key <c>KIND.STATUS</c>.</summary>
    public const string ResultsExchange = "shrtok.results";

    /// <summary>Topic exchange of delivery notices, routing key = delivery channel.</summary>
    public const string NoticesExchange = "shrtok.notices";

    /// <summary>Fanout exchange in front of <see cref="DeadLetterQueue"/>.</summary>
    public const string DeadLetterExchange = "shrtok.dead-letter";

    /// <summary>Quorum queue of dead letters.</summary>
    public const string DeadLetterQueue = "shrtok.dead";

    /// <summary>
    /// Quorum queue bound to <see cref="DeadLetterExchange"/> that the worker itself consumes: it
    /// publishes a failed result for each request the broker dead-lettered past the lane queues'
    /// <c>x-delivery-limit</c>, and drops every other copy (those are in <see cref="DeadLetterQueue"/>).
    /// </summary>
    public const string DeliveryLimitQueue = "shrtok.delivery-limit";

    /// <summary>Direct exchange of the delayed-delivery queues.</summary>
    public const string DelayedDeliveryExchange = "shrtok.retry";

    /// <summary>
    /// Prefix of the delayed-delivery queues: PREFIX.LANE.MILLISECONDS, quorum queues that dead-letter
    /// back into the lane's partitions (the classic <c>shrtok.retry.*</c> ones of before partitions are gone).
    /// </summary>
    public const string DelayedDeliveryQueuePrefix = "shrtok.delay";

    /// <summary>
    /// Stream queue (<c>x-queue-type: stream</c>) bound to <see cref="ResultsExchange"/> with <c>#</c>: the
    /// audit trail (docs/audit.md). The broker appends every result and lifecycle event to it inside the
    /// publish that the worker's publisher confirm already covers.
    /// </summary>
    public const string AuditStream = "shrtok.audit";
}
