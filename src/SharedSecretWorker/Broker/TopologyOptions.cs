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

    /// <summary>Requests exchange (topic). Routing keys <c>enrollment</c>, <c>revocation</c>, <c>clear</c>; <c>KIND.bulk</c> for batches.</summary>
    [Required] public string RequestsExchange { get; set; } = DefaultNames.RequestsExchange;

    /// <summary>Quorum queue of interactive requests.</summary>
    [Required] public string InteractiveQueue { get; set; } = DefaultNames.InteractiveQueue;

    /// <summary>Quorum queue of bulk (batch) requests.</summary>
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

    /// <summary>Direct exchange of the delay queues.</summary>
    [Required] public string RetryExchange { get; set; } = DefaultNames.DelayedDeliveryExchange;

    /// <summary>Prefix of the delay queues: PREFIX.LANE.MILLISECONDS.</summary>
    [Required] public string RetryQueuePrefix { get; set; } = DefaultNames.DelayedDeliveryQueuePrefix;

    /// <summary>Quorum-queue delivery limit; past it the broker dead-letters the message to <see cref="DeadLetterExchange"/>.</summary>
    [Range(2, 1000)]
    public int DeliveryLimit { get; set; } = DefaultDeliveryLimit;
}
