using Microsoft.Extensions.Logging;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Hosting;

/// <summary>The host's log lines: start-up, health, systemd (EventIds in <see cref="LogEvents"/>).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = LogEvents.Starting, EventName = nameof(LogEvents.Starting), Level = LogLevel.Information,
        Message = "Directory ready.")]
    public static partial void DirectoryReady(ILogger logger);

    [LoggerMessage(EventId = LogEvents.HealthCheckFailed, EventName = nameof(LogEvents.HealthCheckFailed), Level = LogLevel.Warning,
        Message = "Health check of the {Dependency} failed ({ErrorType}): {Reason}. The worker reports not ready until it passes.")]
    public static partial void HealthCheckFailed(ILogger logger, string dependency, string? errorType, string? reason);

    [LoggerMessage(EventId = LogEvents.HealthCheckRecovered, EventName = nameof(LogEvents.HealthCheckRecovered), Level = LogLevel.Information,
        Message = "Health check of the {Dependency} passes again.")]
    public static partial void HealthCheckRecovered(ILogger logger, string dependency);

    [LoggerMessage(EventId = LogEvents.TelemetryEndpoint, EventName = nameof(LogEvents.TelemetryEndpoint), Level = LogLevel.Information,
        Message = "Serving metrics at {Metrics}, liveness at {Liveness} and readiness at {Readiness}.")]
    public static partial void TelemetryEndpoint(ILogger logger, Uri metrics, string liveness, string readiness);

    [LoggerMessage(EventId = LogEvents.HealthEndpointError, EventName = nameof(LogEvents.HealthEndpointError), Level = LogLevel.Warning,
        Message = "Health endpoint: {Reason}")]
    public static partial void HealthEndpointError(ILogger logger, string reason);

    [LoggerMessage(EventId = LogEvents.WatchdogEnabled, EventName = nameof(LogEvents.WatchdogEnabled), Level = LogLevel.Information,
        Message = "systemd watchdog: pinging every {Interval} while live.")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = LogEvents.WatchdogWithheld, EventName = nameof(LogEvents.WatchdogWithheld), Level = LogLevel.Error,
        Message = "systemd watchdog: not pinging, the worker is not live ({Problems}); systemd will restart it.")]
    public static partial void WatchdogWithheld(ILogger logger, string problems);
}
