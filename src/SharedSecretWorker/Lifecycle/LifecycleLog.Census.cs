using Microsoft.Extensions.Logging;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Lifecycle;

/// <summary>The outstanding-token count's log lines (<see cref="TokenCensus"/>).</summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(EventId = LogEvents.TokenCensusFailed, EventName = nameof(LogEvents.TokenCensusFailed), Level = LogLevel.Warning,
        Message = "Counting the outstanding tokens failed: {Reason} The gauges keep the last count; trying again in {Interval}")]
    public static partial void CensusFailed(ILogger logger, string reason, TimeSpan interval);

    [LoggerMessage(EventId = LogEvents.TokenCensusTaken, EventName = nameof(LogEvents.TokenCensusTaken), Level = LogLevel.Debug,
        Message = "Outstanding tokens: {Enrollment} enrollment, {Revocation} revocation; {Overdue} past their expiry, {Unrecorded} without a record of issue ({Elapsed} ms)")]
    public static partial void CensusTaken(ILogger logger, int enrollment, int revocation, int overdue, int unrecorded, long elapsed);
}
