using System.Text;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Delivery;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tests.Unit.Delivery;
using ShrTok;

namespace SharedSecretWorker.Tests.Unit.Cli;

/// <summary><c>shrtok open-notice</c> run in-process: output, and the exit codes 0, 1 (wrong key) and 2 (bad input).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class OpenNoticeCommandTests : IDisposable
{
    private const string Passphrase = "Lk8-Qe3w-Zr5t-Yb2n";

    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-notice-").FullName;
    private readonly ChannelKeyPair _email;
    private readonly ChannelKeyPair _sms;
    private readonly string _noticeFile;
    private readonly byte[] _noticeJson;

    public OpenNoticeCommandTests()
    {
        _email = ChannelKeyPair.CreateRsa(_dir, "email");
        _sms = ChannelKeyPair.CreateRsa(_dir, "sms");
        using var sealer = new PassphraseSealer(Options.Create(new DeliveryOptions
        {
            Channels = { ["email"] = new DeliveryChannelOptions { CertificateFile = _email.CertificateFile } },
        }), TimeProvider.System);
        var request = new WorkRequest(RequestKind.Enrollment, "idm-7f3a", null, "jdoe", null, new DeliveryTarget("email", "jdoe@example.com"));
        var notice = DeliveryNotice.For(request, "uid=jdoe,ou=people,dc=example,dc=com", TokenDigest.Sha256Hex("token"),
            DateTimeOffset.UtcNow, sealer.SealToBase64("email", Encoding.ASCII.GetBytes(Passphrase)));
        _noticeJson = MessageJson.ToUtf8(notice);
        _noticeFile = Write("notice.json", _noticeJson);
    }

    public void Dispose()
    {
        _email.Dispose();
        _sms.Dispose();
        System.IO.Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Prints_the_passphrase_and_nothing_else()
    {
        var run = CliRun.Of("open-notice", "--key", _email.KeyFile, "--cert", _email.CertificateFile, _noticeFile);

        Assert.Equal((global::ShrTok.Cli.ExitOk, Passphrase + Environment.NewLine, ""), (run.ExitCode, run.Out, run.Error));
    }

    [Fact]
    public void Reads_the_notice_from_standard_input()
    {
        var run = CliRun.OfWithInput(_noticeJson, "open-notice", "--key", _email.KeyFile, "--cert", _email.CertificateFile, "-");

        Assert.Equal((global::ShrTok.Cli.ExitOk, Passphrase + Environment.NewLine), (run.ExitCode, run.Out));
    }

    [Fact]
    public void Another_channels_key_exits_1_and_says_wrong_key()
    {
        var run = CliRun.Of("open-notice", "--key", _sms.KeyFile, "--cert", _sms.CertificateFile, _noticeFile);

        Assert.Equal(global::ShrTok.Cli.ExitFailed, run.ExitCode);
        Assert.Contains("shrtok open-notice: wrong key:", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public void A_file_that_is_not_JSON_exits_2()
    {
        var file = Write("notice.txt", "sealedPassphrase: MIIB"u8.ToArray());

        var run = CliRun.Of("open-notice", "--key", _email.KeyFile, "--cert", _email.CertificateFile, file);

        Assert.Equal(global::ShrTok.Cli.ExitUsage, run.ExitCode);
        Assert.Contains($"the notice '{file}' is not JSON", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_message_is_not_a_notice_and_exits_2()
    {
        var result = ResultMessage.Cleared(new WorkRequest(RequestKind.Clear, "c1", null, "jdoe", null, null), "uid=jdoe", 1, DateTimeOffset.UtcNow);
        var file = Write("result.json", MessageJson.ToUtf8(result));

        var run = CliRun.Of("open-notice", "--key", _email.KeyFile, "--cert", _email.CertificateFile, file);

        Assert.Equal(global::ShrTok.Cli.ExitUsage, run.ExitCode);
        Assert.Contains("has no sealedPassphrase: it is not a delivery notice", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]", "is a JSON array, not a delivery notice object")]
    [InlineData("""{"sealedPassphrase": 5}""", "sealedPassphrase in")]
    [InlineData("""{"sealedPassphrase": ""}""", "is not a non-empty base64 string")]
    [InlineData("""{"sealedPassphrase": "not base64!"}""", "the notice's sealedPassphrase is damaged: The sealed passphrase is not base64")]
    [InlineData("""{"sealedPassphrase": "AAAA"}""", "the notice's sealedPassphrase is damaged: The sealed passphrase is not a DER CMS EnvelopedData")]
    public void A_notice_without_a_usable_sealed_passphrase_exits_2(string json, string fragment)
    {
        var file = Write("odd.json", Encoding.UTF8.GetBytes(json));

        var run = CliRun.Of("open-notice", "--key", _email.KeyFile, "--cert", _email.CertificateFile, file);

        Assert.Equal(global::ShrTok.Cli.ExitUsage, run.ExitCode);
        Assert.Contains(fragment, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_notice_file_exits_2()
    {
        var missing = Path.Combine(_dir, "absent.json");

        var run = CliRun.Of("open-notice", "--key", _email.KeyFile, "--cert", _email.CertificateFile, missing);

        Assert.Equal(global::ShrTok.Cli.ExitUsage, run.ExitCode);
        Assert.Contains($"cannot read the notice '{missing}': the file does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_does_not_match_the_certificate_exits_2()
    {
        var run = CliRun.Of("open-notice", "--key", _sms.KeyFile, "--cert", _email.CertificateFile, _noticeFile);

        Assert.Equal(global::ShrTok.Cli.ExitUsage, run.ExitCode);
        Assert.Contains("does not belong to the certificate", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_option_exits_2()
    {
        var run = CliRun.Of("open-notice", "--cert", _email.CertificateFile, _noticeFile);

        Assert.Equal(global::ShrTok.Cli.ExitUsage, run.ExitCode);
        Assert.Contains("--key", run.Error, StringComparison.Ordinal);
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
