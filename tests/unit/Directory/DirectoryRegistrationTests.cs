using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Unit.Directory;

public sealed class DirectoryRegistrationTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-dir-di-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDirectoryStore(configuration);
        return services.BuildServiceProvider();
    }

    private Dictionary<string, string?> Settings()
    {
        var password = Path.Combine(_dir, "pw");
        File.WriteAllText(password, "pw");
        return new()
        {
            ["Directory:Url"] = "ldap://127.0.0.1:1",
            ["Directory:BindDn"] = "cn=worker",
            ["Directory:BindPasswordFile"] = password,
            ["Directory:PeopleBase"] = "ou=people,dc=example,dc=com",
            ["Directory:CertificateRepositoryBase"] = "ou=certificateRepository,ou=ca,dc=example,dc=com",
            ["Directory:RevocationTokenAttribute"] = "shrTok",
            ["Directory:OperationTimeout"] = "00:00:03",
        };
    }

    [Fact]
    public void Binds_the_section_and_registers_one_store()
    {
        using var provider = Build(Settings());
        var options = provider.GetRequiredService<IOptions<DirectoryOptions>>().Value;
        Assert.Equal(RevocationTokenAttribute.ShrTok, options.RevocationTokenAttribute);
        Assert.Equal(TimeSpan.FromSeconds(3), options.OperationTimeout);
        Assert.Same(provider.GetRequiredService<IDirectoryStore>(), provider.GetRequiredService<IDirectoryStore>());
    }

    [Fact]
    public void Invalid_configuration_fails_naming_the_key()
    {
        var settings = Settings();
        settings["Directory:Url"] = "http://nope";
        using var provider = Build(settings);
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DirectoryOptions>>().Value);
        Assert.Contains("Directory:Url", error.Message, StringComparison.Ordinal);
    }
}
