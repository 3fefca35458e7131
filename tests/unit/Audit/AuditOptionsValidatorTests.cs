using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Audit;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Audit;

public sealed class AuditOptionsValidatorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ValidateOptionsResult Validate(AuditOptions options) => new AuditOptionsValidator().Validate(null, options);

    private static string Failure(ValidateOptionsResult result)
    {
        Assert.True(result.Failed, "the options were accepted");
        return Assert.Single(result.Failures!);
    }

    [Fact]
    public void A_key_of_32_bytes_is_enough()
    {
        Assert.True(Validate(new AuditOptions { AddressKeyFile = _folder.Write("key", new string('k', 32)) }).Succeeded);
    }

    [Fact]
    public void A_key_written_by_openssl_rand_hex_32_is_enough()
    {
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n";

        Assert.True(Validate(new AuditOptions { AddressKeyFile = _folder.Write("key", key) }).Succeeded);
    }

    [Fact]
    public void A_key_of_31_bytes_is_too_short()
    {
        var failure = Failure(Validate(new AuditOptions { AddressKeyFile = _folder.Write("key", new string('k', 31)) }));

        Assert.Equal("Audit:AddressKeyFile: the key file holds 31 bytes; an HMAC-SHA256 key needs at least 32.", failure);
    }

    [Fact]
    public void The_trailing_line_ending_does_not_count_towards_the_key()
    {
        var failure = Failure(Validate(new AuditOptions { AddressKeyFile = _folder.Write("key", new string('k', 31) + "\r\n") }));

        Assert.Equal("Audit:AddressKeyFile: the key file holds 31 bytes; an HMAC-SHA256 key needs at least 32.", failure);
    }

    [Fact]
    public void The_key_length_is_counted_in_bytes_not_characters()
    {
        // 16 two-byte characters: 32 bytes of UTF-8.
        var path = _folder.Write("key", Encoding.UTF8.GetBytes(new string('é', 16)));

        Assert.True(Validate(new AuditOptions { AddressKeyFile = path }).Succeeded);
    }

    [Fact]
    public void A_missing_key_file_fails_naming_the_setting_and_the_path()
    {
        var path = Path.Combine(_folder.Path, "absent");

        var failure = Failure(Validate(new AuditOptions { AddressKeyFile = path }));

        Assert.Equal($"Audit:AddressKeyFile: the file '{path}' does not exist.", failure);
    }

    [Fact]
    public void An_empty_key_file_fails_naming_the_setting()
    {
        var path = _folder.Write("key", "\n");

        var failure = Failure(Validate(new AuditOptions { AddressKeyFile = path }));

        Assert.Equal($"Audit:AddressKeyFile: the file '{path}' is empty.", failure);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Without_a_key_file_the_stream_on_is_refused_naming_the_setting_and_the_stream(string? file)
    {
        var failure = Failure(Validate(new AuditOptions { AddressKeyFile = file }));

        Assert.StartsWith("Audit:AddressKeyFile is not set, and the audit stream 'shrtok.audit' (Topology:AuditStream) is on: ", failure, StringComparison.Ordinal);
        Assert.Contains("at least 32 bytes", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_key_file_and_without_the_stream_there_is_nothing_to_check()
    {
        Assert.True(Validate(new AuditOptions { StreamEnabled = false, StreamName = "" }).Succeeded);
    }

    [Fact]
    public void With_the_stream_off_a_key_file_that_is_set_is_still_checked()
    {
        var failure = Failure(Validate(new AuditOptions { StreamEnabled = false, AddressKeyFile = _folder.Write("key", "short") }));

        Assert.Equal("Audit:AddressKeyFile: the key file holds 5 bytes; an HMAC-SHA256 key needs at least 32.", failure);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddAudit(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_registered_options_fail_naming_the_setting_and_the_configured_stream()
    {
        using var provider = Build(new() { ["Topology:AuditStream"] = "site.audit" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuditOptions>>().Value);

        Assert.StartsWith("Audit:AddressKeyFile is not set, and the audit stream 'site.audit' (Topology:AuditStream) is on: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_registered_options_refuse_a_short_key_file()
    {
        using var provider = Build(new() { ["Audit:AddressKeyFile"] = _folder.Write("key", "0123456789abcdef\n") });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuditOptions>>().Value);

        Assert.Equal("Audit:AddressKeyFile: the key file holds 16 bytes; an HMAC-SHA256 key needs at least 32.", error.Message);
    }

    [Fact]
    public void An_empty_stream_setting_switches_the_key_off()
    {
        using var provider = Build(new() { ["Topology:AuditStream"] = "" });

        Assert.False(provider.GetRequiredService<IOptions<AuditOptions>>().Value.StreamEnabled);
        Assert.Null(provider.GetRequiredService<IAddressDigest>().Of("jdoe@example.com"));
    }

    [Fact]
    public void The_registered_digest_uses_the_key_file()
    {
        var key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        using var provider = Build(new() { ["Audit:AddressKeyFile"] = _folder.Write("key", key + "\n") });

        Assert.Equal("ccb508d35633dd0966cd5b416e317f8f595b76f073699b559b5e25c6a62ac6e0",
            provider.GetRequiredService<IAddressDigest>().Of("jdoe@example.com"));
    }
}
