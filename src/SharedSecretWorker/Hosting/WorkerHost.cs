using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Consuming;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Publishing;
using SharedSecretWorker.Tokens;

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
        SystemdIntegration.Add(builder.Services);
        AddWorker(builder.Services, builder.Configuration);
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

    /// <summary>Every service of the worker; options are validated when the host starts.</summary>
    public static void AddWorker(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        // First: the exporters and /healthz are up before the start-up checks and the consumer.
        TelemetryRegistration.AddWorkerTelemetry(services, configuration);
        AddValidated<RabbitMqOptions>(services, configuration, RabbitMqOptions.Section);
        AddValidated<TopologyOptions>(services, configuration, TopologyOptions.Section);
        AddValidated<WorkerOptions>(services, configuration, WorkerOptions.Section);
        AddValidated<RetryOptions>(services, configuration, RetryOptions.Section);
        AddValidated<CircuitBreakerOptions>(services, configuration, CircuitBreakerOptions.Section);
        AddValidated<SecurityOptions>(services, configuration, SecurityOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RabbitMqOptions>, RabbitMqOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetryOptions>, WorkerOptionsValidator>());

        services.AddTokenEngine(configuration);
        services.AddDirectoryStore(configuration);
        services.AddDelivery(configuration);
        TelemetryRegistration.InstrumentDependencies(services);

        services.AddSingleton<BrokerConnection>();
        services.AddSingleton(p => new Topology(p.GetRequiredService<IOptions<TopologyOptions>>().Value, p.GetRequiredService<IOptions<RetryOptions>>().Value));
        services.AddSingleton<RabbitMqPublisher>();
        services.AddSingleton<IPublisher>(p => p.GetRequiredService<RabbitMqPublisher>());
        services.AddSingleton(p => new ConcurrencyGate(p.GetRequiredService<IOptions<WorkerOptions>>().Value.MaxConcurrency));
        services.AddSingleton(p => new CompletedRequests(p.GetRequiredService<IOptions<WorkerOptions>>().Value.CompletedRequestMemory));
        services.AddSingleton<TargetLocks>();
        services.AddSingleton(CreateBreakers);
        services.AddSingleton<ProducerCheck>();
        services.AddSingleton<RequestProcessor>();
        services.AddSingleton<Settler>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<RequestConsumer>();

        services.AddHostedService<StartupCheck>();
        services.AddHostedService(p => p.GetRequiredService<RequestConsumer>());
    }

    private static Breakers CreateBreakers(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<CircuitBreakerOptions>>().Value;
        var time = provider.GetRequiredService<TimeProvider>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<CircuitBreaker>();
        var directory = provider.GetRequiredService<IDirectoryStore>();
        var encryptor = provider.GetRequiredService<ITokenEncryptor>();
        return new Breakers(
            new CircuitBreaker("directory", ct => directory.CheckAsync(ct), options, time, logger),
            new CircuitBreaker("hsm", ct => encryptor.ProbeAsync(ct).AsTask(), options, time, logger));
    }

    private static void AddValidated<TOptions>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class =>
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
