using Microsoft.Extensions.Logging;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Lifecycle;

/// <summary>The token lifecycle's log lines (EventIds in <see cref="LogEvents"/>). A token appears only as its SHA-256.</summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(EventId = LogEvents.LifecycleWatching, EventName = nameof(LogEvents.LifecycleWatching), Level = LogLevel.Information,
        Message = "Watching certificate records under '{CertificateBase}'; the catch-up since {Since:o} found {Records} record(s)")]
    public static partial void Watching(ILogger logger, string certificateBase, DateTimeOffset since, int records);

    [LoggerMessage(EventId = LogEvents.LifecycleWatchInterrupted, EventName = nameof(LogEvents.LifecycleWatchInterrupted), Level = LogLevel.Warning,
        Message = "Watching certificate records stopped: {Reason} Watching again in {Delay}, after a catch-up from the checkpoint")]
    public static partial void WatchInterrupted(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(EventId = LogEvents.TokenConsumed, EventName = nameof(LogEvents.TokenConsumed), Level = LogLevel.Information,
        Message = "Removed the used {Kind} token {TokenSha256} from '{Dn}': certificate {Serial} ({Record})")]
    public static partial void Consumed(ILogger logger, string kind, string tokenSha256, string dn, string serial, string record);

    [LoggerMessage(EventId = LogEvents.TokenKept, EventName = nameof(LogEvents.TokenKept), Level = LogLevel.Debug,
        Message = "'{Dn}' keeps its enrollment token {TokenSha256}: the entry changed at {ModifiedAt:o}, not before certificate record '{Record}' was created ({CreatedAt:o})")]
    public static partial void Kept(ILogger logger, string dn, string tokenSha256, DateTimeOffset modifiedAt, string record, DateTimeOffset createdAt);

    [LoggerMessage(EventId = LogEvents.TokenConsumptionUndecided, EventName = nameof(LogEvents.TokenConsumptionUndecided), Level = LogLevel.Warning,
        Message = "'{Dn}' keeps its enrollment token {TokenSha256}: cannot tell whether it was written before certificate record '{Record}' ({Missing} unreadable)")]
    public static partial void Undecided(ILogger logger, string dn, string tokenSha256, string record, string missing);

    [LoggerMessage(EventId = LogEvents.TokenAlreadyRemoved, EventName = nameof(LogEvents.TokenAlreadyRemoved), Level = LogLevel.Debug,
        Message = "The used {Kind} token {TokenSha256} of '{Dn}' was gone already (another worker removed it, or a newer token replaced it)")]
    public static partial void AlreadyRemoved(ILogger logger, string kind, string tokenSha256, string dn);

    [LoggerMessage(EventId = LogEvents.LifecycleCheckpointFailed, EventName = nameof(LogEvents.LifecycleCheckpointFailed), Level = LogLevel.Warning,
        Message = "The lifecycle checkpoint on '{Entry}' (Lifecycle:CheckpointEntry) could not be {Action}: {Reason} It is kept in memory meanwhile")]
    public static partial void CheckpointFailed(ILogger logger, string entry, string action, string reason);

    [LoggerMessage(EventId = LogEvents.ConsumedEventNotPublished, EventName = nameof(LogEvents.ConsumedEventNotPublished), Level = LogLevel.Warning,
        Message = "The {RoutingKey} event of token {TokenSha256} was not published (attempt {Attempt}): {Reason} Trying again in {Delay}")]
    public static partial void EventNotPublished(ILogger logger, string routingKey, string tokenSha256, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = LogEvents.LifecycleChangeFailed, EventName = nameof(LogEvents.LifecycleChangeFailed), Level = LogLevel.Error,
        Message = "Certificate record '{Record}' ({Kind}) could not be handled and is skipped: {Reason}")]
    public static partial void ChangeFailed(ILogger logger, string record, string kind, string reason);

    [LoggerMessage(EventId = LogEvents.ConsumedEventLost, EventName = nameof(LogEvents.ConsumedEventLost), Level = LogLevel.Error,
        Message = "The worker stopped before the {RoutingKey} event of token {TokenSha256} ('{Dn}', certificate {Serial}) was published; the token is removed, the event is lost")]
    public static partial void EventLost(ILogger logger, string routingKey, string tokenSha256, string dn, string serial);

    [LoggerMessage(EventId = LogEvents.TokenExpired, EventName = nameof(LogEvents.TokenExpired), Level = LogLevel.Information,
        Message = "Removed the expired {Kind} token {TokenSha256} from '{Dn}' (request {RequestId}, expired {NotAfter:o})")]
    public static partial void Expired(ILogger logger, string kind, string tokenSha256, string dn, string requestId, DateTimeOffset notAfter);

    [LoggerMessage(EventId = LogEvents.ExpirySweepFailed, EventName = nameof(LogEvents.ExpirySweepFailed), Level = LogLevel.Warning,
        Message = "The expiry sweep stopped: {Reason} It runs again in about {Interval}")]
    public static partial void SweepFailed(ILogger logger, string reason, TimeSpan interval);

    [LoggerMessage(EventId = LogEvents.ExpirySweepForbidden, EventName = nameof(LogEvents.ExpirySweepForbidden), Level = LogLevel.Error,
        Message = "The expiry sweep may not read or delete {Attributes}: {Reason} Expired tokens stay until the worker's access rules (ACI) allow it")]
    public static partial void SweepForbidden(ILogger logger, string attributes, string reason);

    [LoggerMessage(EventId = LogEvents.ExpiryInfoMismatch, EventName = nameof(LogEvents.ExpiryInfoMismatch), Level = LogLevel.Warning,
        Message = "'{Dn}' holds a {Kind} token {TokenSha256} whose metadata is missing or belongs to another token; the sweep leaves it alone (logged once)")]
    public static partial void InfoMismatch(ILogger logger, string kind, string dn, string tokenSha256);

    [LoggerMessage(EventId = LogEvents.ExpiredAlreadyRemoved, EventName = nameof(LogEvents.ExpiredAlreadyRemoved), Level = LogLevel.Debug,
        Message = "The expired {Kind} token {TokenSha256} of '{Dn}' was gone already (another worker, a rewrite or the watcher got there first)")]
    public static partial void ExpiredAlreadyRemoved(ILogger logger, string kind, string tokenSha256, string dn);

    [LoggerMessage(EventId = LogEvents.ExpirySweepDone, EventName = nameof(LogEvents.ExpirySweepDone), Level = LogLevel.Debug,
        Message = "Expiry sweep: {Found} expired token(s) found, {Removed} removed, {Gone} gone already, {Skipped} skipped, in {Elapsed}")]
    public static partial void SweepDone(ILogger logger, int found, int removed, int gone, int skipped, TimeSpan elapsed);
}
