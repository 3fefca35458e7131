using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Tokens;

/// <summary>Registers the token engine (sections <c>Token</c> and <c>Hsm</c>).</summary>
public static class TokenEngineServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates (at start-up) <see cref="TokenOptions"/> and <see cref="HsmOptions"/>;
    /// registers <see cref="ITokenEncryptor"/> (PKCS#11 when <c>Hsm:Library</c> is set, software
    /// otherwise), <see cref="PassphraseGenerator"/>, <see cref="TokenLifetime"/>, and a hosted service that probes the
    /// encryptor at start-up (<see cref="ITokenEncryptor.ProbeAsync"/>).
    /// </summary>
    public static IServiceCollection AddTokenEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TokenOptions>().Bind(configuration.GetSection(TokenOptions.SectionName)).ValidateOnStart();
        services.AddOptions<HsmOptions>().Bind(configuration.GetSection(HsmOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HsmOptions>, HsmOptionsValidator>());
        services.TryAddSingleton(provider => TokenEncryptorFactory.Create(
            provider.GetRequiredService<IOptions<TokenOptions>>().Value,
            provider.GetRequiredService<IOptions<HsmOptions>>().Value,
            provider.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<PassphraseGenerator>();
        services.TryAddSingleton<TokenLifetime>();
        services.AddHostedService<TokenEngineStartupProbe>();
        return services;
    }
}
