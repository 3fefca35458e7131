using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace SharedSecretWorker.Hosting;

/// <summary>Composition root of the daemon: configuration sources, options, services.</summary>
public static class WorkerHost
{
    /// <summary>Machine-wide configuration read after the shipped appsettings.json (contract: Configuration).</summary>
    public const string SystemConfigurationFile = "/etc/shared-secret-worker/appsettings.json";

    /// <summary>Adds the contract's configuration layers and the worker's services to <paramref name="builder"/>.</summary>
    public static void Configure(HostApplicationBuilder builder)
    {
        AddConfigurationSources(builder.Configuration);
        builder.Services.AddSystemd();
    }

    /// <summary>
    /// appsettings.json beside the binaries, then /etc/shared-secret-worker/appsettings.json,
    /// then environment variables (Section__Key). The CLI uses the same order so that one
    /// environment reaches both (contract: "shrtok reads the same configuration as the daemon").
    /// </summary>
    public static void AddConfigurationSources(IConfigurationBuilder configuration)
    {
        configuration.AddJsonFile(SystemConfigurationFile, optional: true, reloadOnChange: false);
        // Environment variables must win over the system file, so add them again last.
        configuration.AddEnvironmentVariables();
    }
}
