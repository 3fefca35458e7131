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
await host.RunAsync();
