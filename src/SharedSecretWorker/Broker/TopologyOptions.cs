using System.ComponentModel.DataAnnotations;
using SharedSecretWorker.Contracts;

namespace SharedSecretWorker.Broker;

/// <summary>Names of every exchange and queue (section <c>Topology</c>); defaults are the contract's.</summary>
public sealed class TopologyOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Topology";

    /// <summary>Default deliveries of one message before the broker itself dead-letters it (a crash loop guard, not the retry count).</summary>
    public const int DefaultDeliveryLimit = 20;

    /// <summary>Default partitions per lane (docs/operations.md, "Running several workers").</summary>
    public const int DefaultPartitions = 4;

    /// <summary>Default fanout exchange on which the workers announce themselves to share the partitions.</summary>
    public const string DefaultPresenceExchange = "shrtok.workers";

    /// <summary>Requests exchange (topic). Routing keys <c>enrollment</c>, <c>revocation</c>, <c>clear</c>; <c>KIND.bulk</c> for batches.</summary>
    [Required] public string RequestsExchange { get; set; } = DefaultNames.RequestsExchange;

    /// <summary>
    /// Name of the interactive lane: its partition queues are <c>NAME.p00</c> … <c>NAME.pNN</c>, and a queue
    /// of this very name is the lane's queue from before partitioning, which the worker drains into the
    /// partitions if it still exists.
    /// </summary>
    [Required] public string InteractiveQueue { get; set; } = DefaultNames.InteractiveQueue;

    /// <summary>Name of the bulk (batch) lane, used as <see cref="InteractiveQueue"/> is.</summary>
    [Required] public string BulkQueue { get; set; } = DefaultNames.BulkQueue;

    /// <summary>Results exchange (topic), routing key <c>KIND.STATUS</c>.</summary>
    [Required] public string ResultsExchange { get; set; } = DefaultNames.ResultsExchange;

    /// <summary>Delivery-notice exchange (topic), routing key = delivery channel.</summary>
    [Required] public string NoticesExchange { get; set; } = DefaultNames.NoticesExchange;

    /// <summary>Fanout exchange in front of <see cref="DeadLetterQueue"/>.</summary>
    [Required] public string DeadLetterExchange { get; set; } = DefaultNames.DeadLetterExchange;

    /// <summary>Quorum queue of dead letters, each with its reason in headers.</summary>
    [Required] public string DeadLetterQueue { get; set; } = DefaultNames.DeadLetterQueue;

    /// <summary>Quorum queue on <see cref="DeadLetterExchange"/> from which the worker reports broker-made delivery-limit dead letters.</summary>
    [Required] public string DeliveryLimitQueue { get; set; } = DefaultNames.DeliveryLimitQueue;

    /// <summary>
    /// The audit trail (docs/audit.md): a stream queue bound to <see cref="ResultsExchange"/> with <c>#</c>, so
    /// that the broker itself appends every result and lifecycle event, within the publish the worker's
    /// confirm covers. Empty: no audit stream is declared. Retention is the broker's policy, not an argument.
    /// </summary>
    public string AuditStream { get; set; } = DefaultNames.AuditStream;

    /// <summary>Direct exchange of the delay queues.</summary>
    [Required] public string RetryExchange { get; set; } = DefaultNames.DelayedDeliveryExchange;

    /// <summary>Prefix of the delay queues: PREFIX.LANE.MILLISECONDS, quorum queues that dead-letter into the lane's partitions.</summary>
    [Required] public string DelayQueuePrefix { get; set; } = DefaultNames.DelayedDeliveryQueuePrefix;

    /// <summary>
    /// Partition queues per lane. Every worker of a site must use the same number (the hash ring is the
    /// broker's, the bindings are what it hashes over); changing it moves keys between partitions, so it
    /// is changed only with the request queues empty (docs/operations.md, "Running several workers").
    /// </summary>
    [Range(1, 64)]
    public int Partitions { get; set; } = DefaultPartitions;

    /// <summary>Fanout exchange of the workers' presence announcements (how they share the partitions).</summary>
    [Required] public string PresenceExchange { get; set; } = DefaultPresenceExchange;

    /// <summary>How often a worker announces itself; a worker not heard for three intervals is gone.</summary>
    public TimeSpan PresenceInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Quorum-queue delivery limit; past it the broker dead-letters the message to <see cref="DeadLetterExchange"/>.</summary>
    [Range(2, 1000)]
    public int DeliveryLimit { get; set; } = DefaultDeliveryLimit;
}
