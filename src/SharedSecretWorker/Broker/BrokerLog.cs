using Microsoft.Extensions.Logging;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Broker;

/// <summary>The broker adapter's log lines (EventIds in <see cref="LogEvents"/>).</summary>
internal static partial class BrokerLog
{
    [LoggerMessage(EventId = LogEvents.Consuming, EventName = nameof(LogEvents.Consuming), Level = LogLevel.Information,
        Message = "Consuming {Queues} queues ({Partitions} partitions per lane, single active consumer) with at most {Concurrency} jobs in flight (prefetch {Prefetch} per partition).")]
    public static partial void Consuming(ILogger logger, int queues, int partitions, int concurrency, ushort prefetch);

    [LoggerMessage(EventId = LogEvents.Stopping, EventName = nameof(LogEvents.Stopping), Level = LogLevel.Information,
        Message = "Stopping: no new deliveries; waiting up to {Grace} for {Jobs} jobs in flight.")]
    public static partial void Stopping(ILogger logger, TimeSpan grace, int jobs);

    [LoggerMessage(EventId = LogEvents.HandedBack, EventName = nameof(LogEvents.HandedBack), Level = LogLevel.Warning,
        Message = "Shutdown grace over: handing {Count} jobs back to the broker.")]
    public static partial void HandedBack(ILogger logger, int count);

    [LoggerMessage(EventId = LogEvents.Stopped, EventName = nameof(LogEvents.Stopped), Level = LogLevel.Information,
        Message = "Stopped consuming.")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = LogEvents.BrokerConnectionLost, EventName = nameof(LogEvents.BrokerConnectionLost), Level = LogLevel.Warning,
        Message = "Broker connection lost ({Code} {Reason}); recovering.")]
    public static partial void ConnectionLost(ILogger logger, ushort code, string reason);

    [LoggerMessage(EventId = LogEvents.BrokerRecovered, EventName = nameof(LogEvents.BrokerRecovered), Level = LogLevel.Information,
        Message = "Broker connection recovered.")]
    public static partial void Recovered(ILogger logger);

    [LoggerMessage(EventId = LogEvents.ConsumingPaused, EventName = nameof(LogEvents.ConsumingPaused), Level = LogLevel.Warning,
        Message = "Not consuming while the {Breakers} circuit breaker is open: the queued requests stay free for other workers.")]
    public static partial void Paused(ILogger logger, string breakers);

    [LoggerMessage(EventId = LogEvents.ConsumingResumed, EventName = nameof(LogEvents.ConsumingResumed), Level = LogLevel.Information,
        Message = "Consuming again: every circuit breaker is closed.")]
    public static partial void Resumed(ILogger logger);

    [LoggerMessage(EventId = LogEvents.LaneChannelReopened, EventName = nameof(LogEvents.LaneChannelReopened), Level = LogLevel.Warning,
        Message = "The channel consuming {Queue} was closed by the broker; consuming on a new channel.")]
    public static partial void LaneChannelReopened(ILogger logger, string queue);

    [LoggerMessage(EventId = LogEvents.PublishChannelReopened, EventName = nameof(LogEvents.PublishChannelReopened), Level = LogLevel.Warning,
        Message = "A publishing channel was closed by the broker ({Reason}); publishing on a new channel.")]
    public static partial void PublishChannelReopened(ILogger logger, string reason);

    [LoggerMessage(EventId = LogEvents.TopologyDeclared, EventName = nameof(LogEvents.TopologyDeclared), Level = LogLevel.Information,
        Message = "Topology declared: {Exchange} -> {Interactive}, {Bulk}, {Partitions} partitions each; dead letters in {Dead}; audit trail in {Audit}.")]
    public static partial void TopologyDeclared(ILogger logger, string exchange, string interactive, string bulk, int partitions, string dead, string audit);

    [LoggerMessage(EventId = LogEvents.LegacyQueueDraining, EventName = nameof(LogEvents.LegacyQueueDraining), Level = LogLevel.Warning,
        Message = "The lane queue {Queue} from before partitioning still exists: it no longer takes new requests, and its requests are moved to the partitions. Delete it once it and the old delay queues are empty (docs/operations.md, \"Upgrading to partitions\").")]
    public static partial void LegacyQueueDraining(ILogger logger, string queue);

    [LoggerMessage(EventId = LogEvents.PartitionsShared, EventName = nameof(LogEvents.PartitionsShared), Level = LogLevel.Information,
        Message = "{Workers} workers present: this worker ({Worker}) prefers {Preferred} of the {Total} partitions and gives the others up to their preferred worker.")]
    public static partial void PartitionsShared(ILogger logger, int workers, string worker, int preferred, int total);

    [LoggerMessage(EventId = LogEvents.GaveUpWhileHeld, EventName = nameof(LogEvents.GaveUpWhileHeld), Level = LogLevel.Warning,
        Message = "Gave up {Queues} while a job still held it after {Wait}: a directory call hangs past its timeout, and its modify could land after the next worker's write (docs/operations.md, \"Fencing\").")]
    public static partial void GaveUpWhileHeld(ILogger logger, string queues, TimeSpan wait);

    [LoggerMessage(EventId = LogEvents.DeadLetterWatchFailed, EventName = nameof(LogEvents.DeadLetterWatchFailed), Level = LogLevel.Warning,
        Message = "Could not report a dead letter of {Queue}: {Reason}. Handing it back; it is tried again.")]
    public static partial void DeadLetterWatchFailed(ILogger logger, string queue, string reason);
}
