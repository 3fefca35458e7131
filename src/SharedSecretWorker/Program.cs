using Microsoft.Extensions.Options;
using SharedSecretWorker.Hosting;

// Content root = the binaries' folder, so the shipped appsettings.json is found whatever the
// working directory is (systemd starts services in /).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
WorkerHost.Configure(builder);
using var host = builder.Build();
try
{
    await host.RunAsync();
    return 0;
}
catch (OperationCanceledException)
{
    // SIGTERM while the host was still starting (a service's start was cancelled): a stop asked
    // for, not a failure; what had started was stopped by the host.
    return 0;
}
catch (Exception ex) when (StartupFailure.Describe(ex) is { } reason)
{
    // A configuration or dependency problem at start-up: one clear line, not a stack trace
    // (the host has already logged the details). systemd's Restart=on-failure sees exit 1.
    await Console.Error.WriteLineAsync($"SharedSecretWorker cannot start: {reason}");
    return 1;
}
