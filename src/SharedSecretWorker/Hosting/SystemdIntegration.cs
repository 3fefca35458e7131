using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Console;

namespace SharedSecretWorker.Hosting;

/// <summary>
/// Type=notify support: READY=1 once every hosted service started, STOPPING=1 on shutdown
/// (Microsoft.Extensions.Hosting.Systemd's SystemdLifetime), WATCHDOG=1 while live
/// (<see cref="SystemdWatchdog"/>), and log lines in the journal's format (priority prefixes).
/// </summary>
internal static class SystemdIntegration
{
    internal const string NotifySocketVariable = "NOTIFY_SOCKET";

    public static void Add(IServiceCollection services)
    {
        if (SystemdHelpers.IsSystemdService())
        {
            services.AddSystemd();
        }
        else if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NotifySocketVariable)))
        {
            // AddSystemd only trusts a direct parent named systemd. sd_notify(3) itself only looks at
            // NOTIFY_SOCKET, and managers that are not our parent hand the socket over that way too
            // (podman --sdnotify=container, a supervisor exec'ing through a wrapper, the tests): honour it.
            services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = ConsoleFormatterNames.Systemd);
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
        services.AddHostedService<SystemdWatchdog>();
    }
}
