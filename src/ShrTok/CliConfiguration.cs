using Microsoft.Extensions.Configuration;
using SharedSecretWorker.Hosting;

namespace ShrTok;

/// <summary>
/// The same configuration the daemon reads (docs/messages.md: "shrtok reads the same configuration as
/// the daemon, so the same environment reaches both"): appsettings.json beside the binaries,
/// /etc/shared-secret-worker/appsettings.json, then environment variables.
/// </summary>
internal static class CliConfiguration
{
    public static IConfiguration Load()
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false);
        WorkerHost.AddConfigurationSources(builder);
        return builder.Build();
    }
}
