using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Lifecycle;

/// <summary>Registers the token lifecycle (docs/token-lifecycle.md).</summary>
public static class LifecycleServiceCollectionExtensions
{
    /// <summary>
    /// Binds section <c>Lifecycle</c> (an empty <c>CertificateBase</c> takes
    /// <c>Directory:CertificateRepositoryBase</c>), validates it at start-up, and adds the watcher and the expiry sweep
    /// (<see cref="TokenExpiry"/>) as hosted services (they do nothing when <c>Lifecycle:Enabled</c> is false). Needs
    /// <see cref="ITokenLifecycleDirectory"/> (<c>AddDirectoryStore</c>) and an <see cref="ITokenEventPublisher"/>
    /// (the broker adapter, registered by the host).
    /// </summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<LifecycleOptions>()
            .Bind(configuration.GetSection(LifecycleOptions.SectionName))
            .PostConfigure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.CertificateBase))
                    options.CertificateBase = configuration[$"{DirectoryOptions.SectionName}:{nameof(DirectoryOptions.CertificateRepositoryBase)}"] ?? "";
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LifecycleOptions>, LifecycleOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LifecycleCheckpoint>();
        services.TryAddSingleton<TokenConsumption>();
        services.AddHostedService<CertificateRecordWatcher>();
        services.AddHostedService<TokenExpiry>();
        // Needs IOutstandingTokenReader (AddDirectoryStore).
        services.AddHostedService<TokenCensus>();
        return services;
    }
}
