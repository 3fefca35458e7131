using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SharedSecretWorker.Audit;
using SharedSecretWorker.Broker;
using SharedSecretWorker.Delivery;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Lifecycle;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Hosting;

/// <summary>Composition root of the daemon: configuration sources, options, services.</summary>
public static class WorkerHost
{
    /// <summary>Machine-wide configuration read after the shipped appsettings.json (docs/operations.md, "Configuration").</summary>
    public const string SystemConfigurationFile = "/etc/shared-secret-worker/appsettings.json";

    /// <summary>Adds the contract's configuration layers and the worker's services to <paramref name="builder"/>.</summary>
    public static void Configure(HostApplicationBuilder builder)
    {
        AddConfigurationSources(builder.Configuration);
        SystemdIntegration.Add(builder.Services);
        AddWorker(builder.Services, builder.Configuration);
    }

    /// <summary>
    /// appsettings.json beside the binaries, then /etc/shared-secret-worker/appsettings.json,
    /// then environment variables (Section__Key). The CLI uses the same order so that one
    /// environment reaches both (docs/messages.md: "shrtok reads the same configuration as the daemon").
    /// </summary>
    public static void AddConfigurationSources(IConfigurationBuilder configuration)
    {
        configuration.AddJsonFile(SystemConfigurationFile, optional: true, reloadOnChange: false);
        // Environment variables must win over the system file, so add them again last.
        configuration.AddEnvironmentVariables();
    }

    /// <summary>
    /// Every module of the worker, each through its own AddXxx (options, validator, services);
    /// options are validated when the host starts. Order matters only for hosted services, which
    /// start in registration order: telemetry and health first, then the message pump, then the token
    /// lifecycle's watcher.
    /// </summary>
    public static void AddWorker(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        TelemetryRegistration.AddWorkerTelemetry(services, configuration);
        services.AddTokenEngine(configuration);
        services.AddDirectoryStore(configuration);
        services.AddDelivery(configuration);
        TelemetryRegistration.InstrumentDependencies(services);
        services.AddAudit(configuration);
        services.AddProcessing(configuration);
        services.AddHostedService<StartupCheck>();
        services.AddBroker(configuration);
        // The token lifecycle publishes through the broker adapter's confirmed publisher.
        services.TryAddSingleton<ITokenEventPublisher, BrokerTokenEventPublisher>();
        services.AddLifecycle(configuration);
    }
}
