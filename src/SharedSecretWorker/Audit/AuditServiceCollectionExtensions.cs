using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Audit;

/// <summary>Registers the audit trail's part of the worker (docs/audit.md).</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Binds section <c>Audit</c>, validates it at start-up (a readable key of at least
    /// <see cref="AuditOptions.MinimumKeyBytes"/> bytes whenever <c>Topology:AuditStream</c> is not empty),
    /// and adds the address digest that processing puts on results (<see cref="IAddressDigest"/>).
    /// </summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .PostConfigure(options =>
            {
                // Unset means the default stream; only an explicitly empty name switches the trail off.
                var stream = configuration[AuditOptions.StreamSettingKey] ?? DefaultNames.AuditStream;
                options.StreamEnabled = stream.Length > 0;
                options.StreamName = stream;
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>());
        services.TryAddSingleton<IAddressDigest, AddressHmac>();
        return services;
    }
}
