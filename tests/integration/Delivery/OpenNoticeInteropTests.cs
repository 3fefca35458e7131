using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Delivery;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;
using ShrTok;

namespace SharedSecretWorker.Tests.Integration.Delivery;

/// <summary>
/// A whole delivery notice, as the worker publishes it, opened the two ways a hand-off service
/// would: <c>shrtok open-notice</c> (in-process) and <c>openssl cms -decrypt</c> on its sealedPassphrase.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OpenNoticeInteropTests(OpenSslChannels channels) : IClassFixture<OpenSslChannels>
{
    private const string Passphrase = "Hs4-Ue8y-Pa6d-Gt3j";

    [Fact]
    public void A_notice_opens_to_the_same_passphrase_with_shrtok_and_with_openssl()
    {
        var notice = SealedNotice(channels.SmsCertificate, "sms", Passphrase);
        var noticeFile = Path.Combine(channels.Directory, "notice.json");
        File.WriteAllBytes(noticeFile, MessageJson.ToUtf8(notice));

        var run = CliRun.Of("open-notice", "--key", channels.SmsKey, "--cert", channels.SmsCertificate, noticeFile);
        var sealedFile = Path.Combine(channels.Directory, "notice-sealed.der");
        using (var json = JsonDocument.Parse(File.ReadAllBytes(noticeFile)))
            File.WriteAllBytes(sealedFile, Convert.FromBase64String(json.RootElement.GetProperty("sealedPassphrase").GetString()!));
        var opened = OpenSsl.Succeed("cms", "-decrypt", "-inform", "DER", "-in", sealedFile, "-inkey", channels.SmsKey, "-recip", channels.SmsCertificate);

        Assert.Equal((Cli.ExitOk, Passphrase + Environment.NewLine, ""), (run.ExitCode, run.Out, run.Error));
        Assert.Equal(Passphrase, Encoding.ASCII.GetString(opened));
    }

    [Fact]
    public void Shrtok_with_the_other_channels_openssl_key_exits_1_wrong_key()
    {
        var noticeFile = Path.Combine(channels.Directory, "notice-email.json");
        File.WriteAllBytes(noticeFile, MessageJson.ToUtf8(SealedNotice(channels.EmailCertificate, "email", Passphrase)));

        var run = CliRun.Of("open-notice", "--key", channels.SmsKey, "--cert", channels.SmsCertificate, noticeFile);

        Assert.Equal(Cli.ExitFailed, run.ExitCode);
        Assert.Contains("wrong key", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    /// <summary>
    /// The local stack's channel certificates, configured as worker.env configures the worker, pass
    /// start-up validation, and the stack's channel keys open what the worker seals with openssl.
    /// </summary>
    [Fact]
    public void The_stacks_channels_seal_what_their_keys_open_with_openssl()
    {
        var stack = StackEnvironment.Load();
        var delivery = stack.WorkerEnvironment()
            .Where(pair => pair.Key.StartsWith("Delivery__", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key.Replace("__", ":", StringComparison.Ordinal), pair => (string?)pair.Value);
        Assert.NotEmpty(delivery);
        using var provider = new ServiceCollection().AddDelivery(new ConfigurationBuilder().AddInMemoryCollection(delivery).Build()).BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        var sealer = provider.GetRequiredService<PassphraseSealer>();

        var names = stack.Get("STACK_CHANNELS").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(names.Order(StringComparer.Ordinal), sealer.Channels.Order(StringComparer.Ordinal));
        foreach (var channel in names)
        {
            var sealedFile = Path.Combine(channels.Directory, $"stack-{channel}.der");
            File.WriteAllBytes(sealedFile, sealer.Seal(channel, Encoding.ASCII.GetBytes(Passphrase + channel)));
            var upper = channel.ToUpperInvariant();

            var opened = OpenSsl.Succeed("cms", "-decrypt", "-inform", "DER", "-in", sealedFile,
                "-inkey", stack.Get($"STACK_CHANNEL_{upper}_KEY"), "-recip", stack.Get($"STACK_CHANNEL_{upper}_CERT"));

            Assert.Equal(Passphrase + channel, Encoding.ASCII.GetString(opened));
        }
    }

    private static DeliveryNotice SealedNotice(string certificateFile, string channel, string passphrase)
    {
        using var sealer = new PassphraseSealer(Options.Create(new DeliveryOptions
        {
            Channels = { [channel] = new DeliveryChannelOptions { CertificateFile = certificateFile } },
        }), TimeProvider.System);
        var request = new WorkRequest(RequestKind.Revocation, "idm-7f3b", null, null, CertificateSerial.Parse("0x1A2B"),
            new DeliveryTarget(channel, "+15550100"));
        return DeliveryNotice.For(request, "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com",
            TokenDigest.Sha256Hex("token"), DateTimeOffset.UtcNow, sealer.SealToBase64(channel, Encoding.ASCII.GetBytes(passphrase)));
    }
}
