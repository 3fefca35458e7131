using Microsoft.Extensions.Logging;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Processing;

/// <summary>Processing's log lines (EventIds in <see cref="LogEvents"/>). Never a passphrase or token: ids, codes and DNs only.</summary>
internal static partial class ProcessingLog
{
    [LoggerMessage(EventId = LogEvents.RequestDuplicate, EventName = nameof(LogEvents.RequestDuplicate), Level = LogLevel.Information,
        Message = "Request {RequestId} was already completed by this worker; settling the redelivery without a new token.")]
    public static partial void Duplicate(ILogger logger, string requestId);

    [LoggerMessage(EventId = LogEvents.UnexpectedError, EventName = nameof(LogEvents.UnexpectedError), Level = LogLevel.Error,
        Message = "Unexpected error processing request {RequestId}.")]
    public static partial void Unexpected(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = LogEvents.RequestCompleted, EventName = nameof(LogEvents.RequestCompleted), Level = LogLevel.Information,
        Message = "Request {RequestId}: {Kind} token stored at {Dn} (attempt {Attempt}).")]
    public static partial void Stored(ILogger logger, string requestId, string kind, string dn, int attempt);

    [LoggerMessage(EventId = LogEvents.RequestCleared, EventName = nameof(LogEvents.RequestCleared), Level = LogLevel.Information,
        Message = "Request {RequestId}: token cleared at {Dn}.")]
    public static partial void Cleared(ILogger logger, string requestId, string dn);

    [LoggerMessage(EventId = LogEvents.RequestRetried, EventName = nameof(LogEvents.RequestRetried), Level = LogLevel.Warning,
        Message = "Request {RequestId} failed for now ({Code}: {Reason}); attempt {Next} in about {Delay}.")]
    public static partial void Retried(ILogger logger, string? requestId, string? code, string? reason, int next, TimeSpan delay);

    [LoggerMessage(EventId = LogEvents.RequestFailed, EventName = nameof(LogEvents.RequestFailed), Level = LogLevel.Warning,
        Message = "Request {RequestId} failed: {Code}: {Reason}. Dead-lettered.")]
    public static partial void Failed(ILogger logger, string requestId, string code, string reason);

    [LoggerMessage(EventId = LogEvents.RequestWriteUndone, EventName = nameof(LogEvents.RequestWriteUndone), Level = LogLevel.Warning,
        Message = "Request {RequestId}: {Why}, so its token was taken back from {Dn} (changed: {Changed}; previous token put back: {PreviousRestored}).")]
    public static partial void WriteUndone(ILogger logger, string requestId, string why, string dn, bool changed, bool previousRestored);

    [LoggerMessage(EventId = LogEvents.RequestWriteNotUndone, EventName = nameof(LogEvents.RequestWriteNotUndone), Level = LogLevel.Warning,
        Message = "Request {RequestId}: {Why}, and its token could not be taken back from {Dn}: {Reason}. The next attempt writes a newer one.")]
    public static partial void WriteNotUndone(ILogger logger, string requestId, string why, string dn, string reason);

    [LoggerMessage(EventId = LogEvents.SettleFailed, EventName = nameof(LogEvents.SettleFailed), Level = LogLevel.Warning,
        Message = "Could not settle request {RequestId} ({Action}): {Reason}. The broker will redeliver it.")]
    public static partial void SettleFailed(ILogger logger, string? requestId, SettlementAction action, string reason);

    [LoggerMessage(EventId = LogEvents.CircuitOpened, EventName = nameof(LogEvents.CircuitOpened), Level = LogLevel.Warning,
        Message = "The {Dependency} is unavailable: taking no new work until a probe succeeds (every {Interval}).")]
    public static partial void CircuitOpened(ILogger logger, string dependency, TimeSpan interval);

    [LoggerMessage(EventId = LogEvents.CircuitProbeFailed, EventName = nameof(LogEvents.CircuitProbeFailed), Level = LogLevel.Debug,
        Message = "Probe of the {Dependency} failed: {Reason}")]
    public static partial void CircuitProbeFailed(ILogger logger, string dependency, string reason);

    [LoggerMessage(EventId = LogEvents.CircuitClosed, EventName = nameof(LogEvents.CircuitClosed), Level = LogLevel.Information,
        Message = "The {Dependency} is back: taking work again.")]
    public static partial void CircuitClosed(ILogger logger, string dependency);

    [LoggerMessage(EventId = LogEvents.CircuitOpenedByFault, EventName = nameof(LogEvents.CircuitOpenedByFault), Level = LogLevel.Error,
        Message = "The {Dependency} refuses the worker: {Problem}. Taking no new work (requests stay queued) until a probe succeeds (every {Interval}).")]
    public static partial void CircuitOpenedByFault(ILogger logger, string dependency, string problem, TimeSpan interval);

    [LoggerMessage(EventId = LogEvents.RequestDeliveryLimitReached, EventName = nameof(LogEvents.RequestDeliveryLimitReached), Level = LogLevel.Warning,
        Message = "Request {RequestId} was dead-lettered by the broker from {Queue} at its delivery limit; published its failed result (delivery-limit-reached).")]
    public static partial void DeliveryLimitReached(ILogger logger, string requestId, string queue);

    [LoggerMessage(EventId = LogEvents.RequestDeliveryLost, EventName = nameof(LogEvents.RequestDeliveryLost), Level = LogLevel.Warning,
        Message = "Request {RequestId}: the delivery is no longer this worker's ({Reason}); handed back to the broker.")]
    public static partial void DeliveryLost(ILogger logger, string requestId, string reason);
}
