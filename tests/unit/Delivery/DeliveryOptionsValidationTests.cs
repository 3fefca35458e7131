using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Delivery;

namespace SharedSecretWorker.Tests.Unit.Delivery;

/// <summary>Start-up validation of Delivery:Channels: each refusal names the configuration key an operator must fix.</summary>
public sealed class DeliveryOptionsValidationTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-delivery-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    private static string? Validate(params (string Channel, string File)[] channels)
    {
        var options = new DeliveryOptions();
        foreach (var (channel, file) in channels) options.Channels[channel] = new DeliveryChannelOptions { CertificateFile = file };
        var result = new DeliveryOptionsValidator(TimeProvider.System).Validate(null, options);
        return result.Failed ? result.FailureMessage : null;
    }

    [Fact]
    public void Accepts_RSA_certificates_with_and_without_keyUsage()
    {
        using var plain = ChannelKeyPair.CreateRsa(_dir, "email");
        using var withUsage = ChannelKeyPair.CreateRsa(_dir, "sms", usage: X509KeyUsageFlags.KeyEncipherment);

        Assert.Null(Validate(("email", plain.CertificateFile), ("sms", withUsage.CertificateFile)));
    }

    [Fact]
    public void A_missing_file_is_named_with_its_key()
    {
        var missing = Path.Combine(_dir, "absent.crt");

        var failure = Validate(("email", missing));

        Assert.Contains($"Delivery:Channels:email:CertificateFile: the file '{missing}' does not exist.", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_certificate_is_refused()
    {
        var file = Path.Combine(_dir, "junk.crt");
        File.WriteAllText(file, "-----BEGIN NONSENSE-----\nAAAA\n-----END NONSENSE-----\n");

        var failure = Validate(("email", file));

        Assert.Contains($"Delivery:Channels:email:CertificateFile: the file '{file}' is not an X.509 certificate", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_EC_certificate_is_refused()
    {
        using var ec = ChannelKeyPair.CreateEc(_dir, "email");

        Assert.Contains("sealing needs an RSA key", Validate(("email", ec.CertificateFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_RSA_key_is_refused()
    {
        using var weak = ChannelKeyPair.CreateRsa(_dir, "email", bits: 1024);

        Assert.Contains("has a 1024-bit RSA key; at least 2048 bits are required", Validate(("email", weak.CertificateFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        using var expired = ChannelKeyPair.CreateRsa(_dir, "email", notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var failure = Validate(("email", expired.CertificateFile));

        Assert.Contains("Delivery:Channels:email:CertificateFile", failure, StringComparison.Ordinal);
        Assert.Contains("expired on", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_not_for_key_encipherment_is_refused()
    {
        using var signing = ChannelKeyPair.CreateRsa(_dir, "email", usage: X509KeyUsageFlags.DigitalSignature);

        Assert.Contains("without keyEncipherment", Validate(("email", signing.CertificateFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_channel_name_that_is_no_routing_key_word_is_refused()
    {
        using var pair = ChannelKeyPair.CreateRsa(_dir, "email");

        Assert.Contains("Delivery:Channels:e.mail: a channel name is one routing-key word", Validate(("e.mail", pair.CertificateFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void No_channels_at_all_is_refused()
    {
        Assert.Contains("Delivery:Channels is empty", Validate(), StringComparison.Ordinal);
    }

    [Fact]
    public void Channels_without_any_certificate_are_refused()
    {
        Assert.Contains("no channel with a CertificateFile", Validate(("fax", "")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_channel_without_a_file_is_switched_off_not_an_error()
    {
        using var pair = ChannelKeyPair.CreateRsa(_dir, "email");

        Assert.Null(Validate(("email", pair.CertificateFile), ("fax", "")));
    }

    [Fact]
    public async Task The_host_refuses_to_start_with_a_broken_channel()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Channels:email:CertificateFile"] = Path.Combine(_dir, "absent.crt"),
        });
        builder.Services.AddDelivery(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Delivery:Channels:email:CertificateFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDelivery_binds_the_channels_and_gives_the_parser_only_the_sealable_ones()
    {
        using var pair = ChannelKeyPair.CreateRsa(_dir, "email");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Channels:email:CertificateFile"] = pair.CertificateFile,
            ["Delivery:Channels:fax:CertificateFile"] = "",
        }).Build();
        using var provider = new ServiceCollection().AddDelivery(configuration).BuildServiceProvider();

        var sealer = provider.GetRequiredService<PassphraseSealer>();
        var parser = provider.GetRequiredService<RequestParser>();

        Assert.Equal(["email"], sealer.Channels);
        Assert.Equal(["email"], parser.KnownChannels);
        var fax = parser.Parse("""{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "fax", "address": "5550100"}}"""u8.ToArray(), null);
        Assert.Equal("unknown-channel", fax.Rejection!.Code);
    }
}
