using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Directory;

/// <summary>Registers the directory store.</summary>
public static class DirectoryServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DirectoryOptions"/> to the <c>Directory</c> section, validates it at start-up,
    /// and registers <see cref="IDirectoryStore"/> as a singleton (the container disposes its pool), and
    /// <see cref="ITokenLifecycleDirectory"/>, the token lifecycle's watch and exact-value deletes.
    /// </summary>
    public static IServiceCollection AddDirectoryStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DirectoryOptions>()
            .Bind(configuration.GetSection(DirectoryOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DirectoryOptions>, DirectoryOptionsValidator>();
        services.AddSingleton<LdapDirectoryStore>();
        services.AddSingleton<IDirectoryStore>(provider => provider.GetRequiredService<LdapDirectoryStore>());
        // The token lifecycle's side (docs/token-lifecycle.md): its own connections, made only when used.
        services.AddSingleton<ITokenLifecycleDirectory, LdapTokenLifecycleDirectory>();
        // Listing outstanding tokens (shrtok tokens, the outstanding-token gauge): its own connection, made only when used.
        services.AddSingleton<IOutstandingTokenReader, LdapOutstandingTokenReader>();
        return services;
    }
}
