using Microsoft.Extensions.Logging;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Directory;

/// <summary>The directory adapter's log lines (EventIds in <see cref="LogEvents"/>). Never a token or password.</summary>
internal static partial class DirectoryLog
{
    [LoggerMessage(EventId = LogEvents.DirectoryTimeout, EventName = nameof(LogEvents.DirectoryTimeout), Level = LogLevel.Warning,
        Message = "LDAP server {Endpoint} did not answer within {Timeout}; abandoning the connection")]
    public static partial void Timeout(ILogger logger, string endpoint, TimeSpan timeout);

    [LoggerMessage(EventId = LogEvents.DirectoryConnectionLost, EventName = nameof(LogEvents.DirectoryConnectionLost), Level = LogLevel.Warning,
        Message = "LDAP connection to {Endpoint} was lost (LDAP result {Code}); reconnecting")]
    public static partial void ConnectionLost(ILogger logger, string endpoint, int code);

    [LoggerMessage(EventId = LogEvents.DirectoryWriteConflict, EventName = nameof(LogEvents.DirectoryWriteConflict), Level = LogLevel.Debug,
        Message = "{Operation}: another writer changed the entry (LDAP result {Code}); attempt {Attempt} of {Attempts}")]
    public static partial void WriteConflict(ILogger logger, string operation, int code, int attempt, int attempts);

    [LoggerMessage(EventId = LogEvents.DirectoryWriteGaveUp, EventName = nameof(LogEvents.DirectoryWriteGaveUp), Level = LogLevel.Warning,
        Message = "{Operation}: gave up after {Attempts} attempts, other writers kept changing the entry")]
    public static partial void WriteGaveUp(ILogger logger, string operation, int attempts);

    [LoggerMessage(EventId = LogEvents.DirectoryPoolRecycled, EventName = nameof(LogEvents.DirectoryPoolRecycled), Level = LogLevel.Error,
        Message = "All {Connections} LDAP connections to {Endpoint} are stuck in calls abandoned after Directory:OperationTimeout; new calls get fresh connections. If these are stuck too, liveness fails and the process should be restarted.")]
    public static partial void PoolRecycled(ILogger logger, string endpoint, int connections);

    [LoggerMessage(EventId = LogEvents.DirectoryRacingValuesRemoved, EventName = nameof(LogEvents.DirectoryRacingValuesRemoved), Level = LogLevel.Debug,
        Message = "{Operation}: removed {Count} revShrTok value(s) a racing writer added before us")]
    public static partial void RacingValuesRemoved(ILogger logger, string operation, int count);

    [LoggerMessage(EventId = LogEvents.DirectoryExpirySearchLimited, EventName = nameof(LogEvents.DirectoryExpirySearchLimited), Level = LogLevel.Warning,
        Message = "The search for expired tokens under '{PeopleBase}' exceeded the directory's limits (LDAP 11: more expired tokens than the shrTokNotAfter index may list, nsslapd-idlistscanlimit); searching only the last {Window} by exact expiry until it passes. Older expired tokens stay until the index limit is raised (docs/token-lifecycle.md, \"A lifetime\"). Logged once")]
    public static partial void ExpirySearchLimited(ILogger logger, string peopleBase, TimeSpan window);
}
