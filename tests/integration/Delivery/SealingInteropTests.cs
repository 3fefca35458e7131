using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Sealing;
using SharedSecretWorker.Delivery;

namespace SharedSecretWorker.Tests.Integration.Delivery;

/// <summary>
/// The contract's promise about sealed passphrases, checked with the real tool: anyone holding the
/// channel's key opens them with <c>openssl cms -decrypt -inform DER -in sealed.der -inkey
/// channel.key -recip channel.crt</c>, and gets exactly the passphrase's bytes.
/// </summary>
public sealed class SealingInteropTests(OpenSslChannels channels) : IClassFixture<OpenSslChannels>
{
    private PassphraseSealer CreateSealer() => new(Options.Create(new DeliveryOptions
    {
        Channels =
        {
            ["email"] = new DeliveryChannelOptions { CertificateFile = channels.EmailCertificate },
            ["sms"] = new DeliveryChannelOptions { CertificateFile = channels.SmsCertificate },
        },
    }), TimeProvider.System);

    private string WriteSealed(byte[] der)
    {
        var path = Path.Combine(channels.Directory, $"sealed-{Guid.NewGuid():N}.der");
        File.WriteAllBytes(path, der);
        return path;
    }

    [Theory]
    [InlineData("Tq7-vX2k-Mw9p-Hc4r")]
    [InlineData("a")]
    [InlineData(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~")]
    public void Openssl_cms_decrypt_opens_it_to_the_exact_passphrase(string passphrase)
    {
        using var sealer = CreateSealer();
        var sealedFile = WriteSealed(sealer.Seal("email", Encoding.ASCII.GetBytes(passphrase)));

        var opened = OpenSsl.Succeed("cms", "-decrypt", "-inform", "DER", "-in", sealedFile,
            "-inkey", channels.EmailKey, "-recip", channels.EmailCertificate);

        Assert.Equal(passphrase, Encoding.ASCII.GetString(opened));
    }

    [Fact]
    public void Openssl_reads_RSA_OAEP_with_SHA256_and_AES_256_CBC()
    {
        using var sealer = CreateSealer();
        var sealedFile = WriteSealed(sealer.Seal("sms", "x"u8));

        var printed = Encoding.UTF8.GetString(OpenSsl.Succeed("cms", "-cmsout", "-print", "-inform", "DER", "-in", sealedFile));

        Assert.Contains("contentType: pkcs7-envelopedData", printed, StringComparison.Ordinal);
        Assert.Contains("algorithm: rsaesOaep", printed, StringComparison.Ordinal);
        // openssl prints RSAES-OAEP-params as an ASN.1 dump: hash sha256, then mgf1 with sha256.
        Assert.Matches(@"OBJECT\s+:sha256[\s\S]*OBJECT\s+:mgf1[\s\S]*OBJECT\s+:sha256", printed);
        Assert.Contains("algorithm: aes-256-cbc", printed, StringComparison.Ordinal);
        Assert.Contains("CN=sms hand-off", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Openssl_with_another_channels_key_cannot_open_it()
    {
        using var sealer = CreateSealer();
        var sealedFile = WriteSealed(sealer.Seal("email", "Tq7-vX2k-Mw9p-Hc4r"u8));

        var (exit, output, error) = OpenSsl.Run("cms", "-decrypt", "-inform", "DER", "-in", sealedFile,
            "-inkey", channels.SmsKey, "-recip", channels.SmsCertificate);

        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("Tq7-vX2k-Mw9p-Hc4r", Encoding.ASCII.GetString(output), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void The_unsealer_opens_what_openssl_seals_with_OAEP_SHA256()
    {
        const string passphrase = "Wd3-Kp9s-Nv2q-Bx7m";
        var plain = Path.Combine(channels.Directory, "plain.txt");
        var sealedFile = Path.Combine(channels.Directory, "openssl-sealed.der");
        File.WriteAllText(plain, passphrase);
        OpenSsl.Succeed("cms", "-encrypt", "-binary", "-aes-256-cbc", "-outform", "DER", "-in", plain, "-out", sealedFile,
            "-recip", channels.EmailCertificate, "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha256");

        using var unsealer = PassphraseUnsealer.Load(channels.EmailKey, channels.EmailCertificate);

        Assert.Equal(passphrase, Encoding.ASCII.GetString(unsealer.Unseal(File.ReadAllBytes(sealedFile))));
    }

    [Fact]
    public void Openssl_made_certificates_pass_start_up_validation()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Channels:email:CertificateFile"] = channels.EmailCertificate,
            ["Delivery:Channels:sms:CertificateFile"] = channels.SmsCertificate,
        }).Build();
        using var provider = new ServiceCollection().AddDelivery(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DeliveryOptions>>().Value;

        Assert.Equal(2, options.Channels.Count);
        Assert.Equal(["email", "sms"], provider.GetRequiredService<PassphraseSealer>().Channels.Order(StringComparer.Ordinal));
    }
}
