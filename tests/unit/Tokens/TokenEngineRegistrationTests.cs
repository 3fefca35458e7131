using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Tokens;

public sealed class TokenEngineRegistrationTests
{
    [Fact]
    public async Task Without_an_hsm_library_the_software_encryptor_is_registered_and_works()
    {
        await using var provider = Build(new() { ["Token:KeyWrap"] = "Oaep", ["Token:IssuanceProtectionCertificateFile"] = TestVectors.CertificateFile, ["Hsm:Library"] = "" });

        var encryptor = provider.GetRequiredService<ITokenEncryptor>();
        Assert.IsType<SoftwareTokenEncryptor>(encryptor);
        var generator = provider.GetRequiredService<PassphraseGenerator>();
        var passphrase = await generator.GenerateAsync(CancellationToken.None);
        var token = await encryptor.EncryptAsync(passphrase, CancellationToken.None);
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, KeyWrap.Oaep);
        Assert.Equal(passphrase, decryptor.Decrypt(token));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Key_wrap_is_required_and_the_error_names_the_key(string? value)
    {
        var settings = new Dictionary<string, string?> { ["Token:IssuanceProtectionCertificateFile"] = TestVectors.CertificateFile };
        if (value is not null) settings["Token:KeyWrap"] = value;
        using var provider = Build(settings);

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TokenOptions>>().Value);
        Assert.Contains("Token:KeyWrap is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("keyWrap.useOAEP", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_wrap_value_names_the_key()
    {
        using var provider = Build(new() { ["Token:KeyWrap"] = "Rsa", ["Token:IssuanceProtectionCertificateFile"] = TestVectors.CertificateFile });
        var e = Assert.ThrowsAny<InvalidOperationException>(() => provider.GetRequiredService<IOptions<TokenOptions>>().Value);
        Assert.Contains("Token:KeyWrap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_options_problems_are_each_named()
    {
        var failures = TokenOptionsValidator.Check(
            new TokenOptions { KeyWrap = KeyWrap.Pkcs1, IssuanceProtectionCertificateFile = "/nonexistent/ip.crt", PassphraseLength = 8, PassphraseGroupSize = -1 },
            new HsmOptions());

        Assert.Contains(failures, f => f.StartsWith("Token:IssuanceProtectionCertificateFile: the file", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Token:PassphraseLength is 8", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Token:PassphraseGroupSize is -1", StringComparison.Ordinal));
        Assert.Contains(TokenOptionsValidator.Check(new TokenOptions { KeyWrap = KeyWrap.Pkcs1 }, new HsmOptions()),
            f => f.StartsWith("Token:IssuanceProtectionCertificateFile is required", StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_key_label_on_the_hsm_the_certificate_file_is_optional()
    {
        var hsm = new HsmOptions { Library = "/usr/lib/softhsm/libsofthsm2.so", TokenLabel = "t", PinFile = "pin", IssuanceProtectionKeyLabel = "issuance-protection" };
        Assert.Empty(TokenOptionsValidator.Check(new TokenOptions { KeyWrap = KeyWrap.Oaep }, hsm));
    }

    [Fact]
    public void Hsm_options_problems_are_each_named_and_ignored_without_a_library()
    {
        Assert.Empty(HsmOptionsValidator.Check(new HsmOptions { MaxSessions = 0 }));
        var failures = HsmOptionsValidator.Check(new HsmOptions { Library = "/nonexistent/libp11.so", MaxSessions = 0, SessionWaitTimeout = TimeSpan.Zero, ReinitializeAfterOperations = -1 });

        Assert.Contains(failures, f => f.StartsWith("Hsm:ReinitializeAfterOperations is -1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hsm:Library: the PKCS#11 module", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hsm:TokenLabel is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hsm:PinFile is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hsm:MaxSessions is 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hsm:SessionWaitTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Host_start_fails_on_invalid_options_before_anything_runs()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Token:KeyWrap"] = "Pkcs1", ["Hsm:Library"] = "/nonexistent/libp11.so" });
        builder.Services.AddTokenEngine(builder.Configuration);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Hsm:Library", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_start_probes_the_encryptor()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Token:KeyWrap"] = "Pkcs1", ["Token:IssuanceProtectionCertificateFile"] = TestVectors.CertificateFile });
        builder.Services.AddTokenEngine(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is TokenEngineStartupProbe);
        await host.StopAsync();
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddTokenEngine(configuration);
        return services.BuildServiceProvider();
    }
}
