using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Processing;

/// <summary>Registers processing (sections <c>Worker</c>, <c>Retry</c>, <c>CircuitBreaker</c>, <c>Security</c>).</summary>
public static class ProcessingServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates (at start-up) the processing options and registers the request handler
    /// the broker adapter calls (<see cref="IMessageHandler"/>) with its parts: concurrency gate,
    /// target locks, duplicate memory, circuit breakers, producer check, processor and settler.
    /// Needs the directory, token engine, delivery and broker ports registered by their own AddXxx.
    /// </summary>
    public static IServiceCollection AddProcessing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection(WorkerOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetryOptions>().Bind(configuration.GetSection(RetryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CircuitBreakerOptions>().Bind(configuration.GetSection(CircuitBreakerOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetryOptions>, WorkerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RunningJobs>();
        services.AddSingleton(p => new ConcurrencyGate(p.GetRequiredService<IOptions<WorkerOptions>>().Value.MaxConcurrency));
        services.AddSingleton(p => new CompletedRequests(p.GetRequiredService<IOptions<WorkerOptions>>().Value.CompletedRequestMemory));
        services.AddSingleton<TargetLocks>();
        services.AddSingleton(CreateBreakers);
        services.AddSingleton<ProducerCheck>();
        services.AddSingleton<RequestProcessor>();
        services.AddSingleton<Settler>();
        services.AddSingleton<IMessageHandler, RequestHandler>();
        services.AddSingleton<DeliveryLimitReporter>();
        return services;
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
}
