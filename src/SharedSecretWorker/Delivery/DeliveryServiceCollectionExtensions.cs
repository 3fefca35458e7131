using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Delivery;

/// <summary>Registers delivery: options (validated at start-up), the passphrase sealer, and the request parser that knows the channels.</summary>
public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Binds section <c>Delivery</c>, validates it at start-up (each certificate file loads, is RSA,
    /// unexpired), and adds singletons <see cref="PassphraseSealer"/> and <see cref="RequestParser"/>
    /// (its known channels are the sealer's: a channel without a certificate is <c>unknown-channel</c>).
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DeliveryOptions>()
            .Bind(configuration.GetSection(DeliveryOptions.SectionName))
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>());
        services.TryAddSingleton<PassphraseSealer>();
        services.TryAddSingleton(provider => new RequestParser(provider.GetRequiredService<PassphraseSealer>().Channels));
        return services;
    }
}
