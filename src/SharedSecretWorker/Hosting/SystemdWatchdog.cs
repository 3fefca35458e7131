using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Hosting;

/// <summary>
/// Feeds systemd's watchdog (WatchdogSec= in the unit) with WATCHDOG=1 while the worker is live
/// (<see cref="WorkerHealth.Liveness"/>): a hung process, or one with a stuck job, stops pinging
/// and systemd restarts it. Pings at half the timeout, as sd_watchdog_enabled(3) recommends. Inert
/// unless the service manager set WATCHDOG_USEC (and WATCHDOG_PID, when set, is this process).
/// </summary>
internal sealed class SystemdWatchdog : BackgroundService
{
    internal const string WatchdogUsecVariable = "WATCHDOG_USEC";
    internal const string WatchdogPidVariable = "WATCHDOG_PID";
    private const string Ping = "WATCHDOG=1";

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<SystemdWatchdog> _logger;

    public SystemdWatchdog(IServiceProvider services, TimeProvider time, ILogger<SystemdWatchdog> logger)
    {
        _services = services;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_services.GetService<ISystemdNotifier>() is not { IsEnabled: true } notifier) return;
        if (Interval(Environment.GetEnvironmentVariable(WatchdogUsecVariable), Environment.GetEnvironmentVariable(WatchdogPidVariable), Environment.ProcessId) is not { } interval) return;
        var health = _services.GetRequiredService<WorkerHealth>();
        HostingLog.WatchdogEnabled(_logger, interval);
        var withheld = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var liveness = health.Liveness();
                if (liveness.Healthy)
                {
                    notifier.Notify(new ServiceState(Ping));
                    withheld = false;
                }
                else if (!withheld)
                {
                    withheld = true;
                    HostingLog.WatchdogWithheld(_logger, string.Join("; ", liveness.Problems));
                }
                await Task.Delay(interval, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: systemd does not watch a deactivating service.
        }
    }

    /// <summary>Half of WATCHDOG_USEC, or null when the watchdog is not for this process.</summary>
    internal static TimeSpan? Interval(string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (!long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0) return null;
        if (!string.IsNullOrEmpty(watchdogPid) &&
            (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId)) return null;
        return TimeSpan.FromMicroseconds(usec / 2.0);
    }
}
