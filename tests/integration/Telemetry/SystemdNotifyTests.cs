using System.Net;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>
/// The daemon as systemd runs it with Type=notify and WatchdogSec=: given NOTIFY_SOCKET and
/// WATCHDOG_USEC it sends READY=1 once it consumes, WATCHDOG=1 while it is live and STOPPING=1 on
/// SIGTERM, then exits 0. Its metrics and health endpoints answer meanwhile.
/// </summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task Daemon_sends_ready_watchdog_and_stopping_on_the_notify_socket()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        using var socket = new NotifySocket();
        var metrics = FreePort.MetricsEndpoint();
        var configuration = observer.Configuration(new Dictionary<string, string?> { ["Telemetry:PrometheusEndpoint"] = metrics.ToString() });
        // The log format is the daemon's own choice under systemd (journal priorities), not single-line.
        using var daemon = WorkerProcess.Start(configuration, new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = socket.Path,
            ["WATCHDOG_USEC"] = "1000000", // 1 s: a ping every 0.5 s
        }, singleLineLog: false);
        // WATCHDOG_PID is left out: systemd sets it only when it is not the main process's own.

        await socket.WaitForAsync("READY=1", TimeSpan.FromSeconds(60), () => daemon.Log);
        Assert.Equal(ResultStatus.Stored, (await observer.ResultAsync(await observer.EnrollAsync("user1930"))).Status);
        var ready = await HttpProbe.WaitForAsync(HttpProbe.Beside(metrics, "/readyz"), HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        Assert.True(ready.Status == HttpStatusCode.OK, $"/readyz: {(int)ready.Status} {ready.Body}\n{daemon.Log}");
        Assert.True((await HttpProbe.ScrapeAsync(metrics)).Sum("shrtok_requests_processed_total") >= 1);

        await socket.WaitForAsync("WATCHDOG=1", TimeSpan.FromSeconds(5), () => daemon.Log);
        var pings = socket.Messages.Count(m => m == "WATCHDOG=1");
        await Task.Delay(TimeSpan.FromSeconds(1.6));
        Assert.True(socket.Messages.Count(m => m == "WATCHDOG=1") >= pings + 2, $"the watchdog is fed every half period: [{string.Join(", ", socket.Messages)}]");

        daemon.Terminate();
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await socket.WaitForAsync("STOPPING=1", TimeSpan.FromSeconds(5), () => daemon.Log);
        var messages = socket.Messages.ToList();
        Assert.True(messages.IndexOf("READY=1") < messages.IndexOf("STOPPING=1"), string.Join(", ", messages));
        // Journal format under a service manager: syslog priority prefixes, no ANSI colours.
        Assert.Contains("<6>", daemon.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", daemon.Log, StringComparison.Ordinal);
    }
}
