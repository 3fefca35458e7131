using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Processing;

/// <summary>
/// The whole path on the real stack: a request on RabbitMQ, a token made on SoftHSM2, written to
/// 389 DS, a sealed notice and a result. Each test checks the contract's invariant: the passphrase
/// opened from the notice decrypts the token the directory holds, read the way the CA reads it.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class WorkerEndToEndTests
{
    private readonly WorkerFixture _fixture;

    public WorkerEndToEndTests(WorkerFixture fixture) => _fixture = fixture;

    private WorkerUnderTest Worker => _fixture.Worker;

    [Fact]
    public async Task Enrollment_stores_a_token_the_notice_passphrase_decrypts()
    {
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();

        var id = await Worker.EnrollAsync(uid);
        var notice = await StoredEnrollment.AssertAsync(Worker, directory, id, uid, KeyWrap.Pkcs1);
        var passphrase = Worker.OpenNotice(notice);
        Assert.All(passphrase, c => Assert.InRange(c, '!', '~'));
        // And as the hand-off service would open it, with nothing of ours (docs/messages.md, "Delivery notices").
        Assert.Equal(passphrase, await OpenSslCmsDecryptAsync(notice));
    }

    private static async Task<string> OpenSslCmsDecryptAsync(DeliveryNotice notice)
    {
        var stack = StackEnvironment.Load();
        var sealedFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(sealedFile, Convert.FromBase64String(notice.SealedPassphrase));
            var openssl = await ProcessRun.RunAsync("openssl",
                ["cms", "-decrypt", "-inform", "DER", "-in", sealedFile, "-inkey", stack.Get("STACK_CHANNEL_EMAIL_KEY"), "-recip", stack.Get("STACK_CHANNEL_EMAIL_CERT")]);
            Assert.True(openssl.ExitCode == 0, $"openssl cms -decrypt failed: {openssl.Error}");
            return openssl.OutText;
        }
        finally
        {
            File.Delete(sealedFile);
        }
    }

    [Fact]
    public async Task Revocation_by_hex_then_decimal_serial_keeps_one_revShrTok_and_the_CA_values()
    {
        using var directory = new DirectoryProbe();
        var serial = directory.CreateCertificateRecord();
        var hex = "0x" + long.Parse(serial, System.Globalization.CultureInfo.InvariantCulture).ToString("X", System.Globalization.CultureInfo.InvariantCulture);

        string? previous = null;
        foreach (var given in new[] { hex, serial })
        {
            var id = "t-" + Guid.NewGuid().ToString("N");
            await Worker.PublishAsync("revocation",
                $"{{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{id}\",\"serial\":\"{given}\",\"delivery\":{{\"channel\":\"sms\",\"address\":\"+15550100\"}}}}");
            var result = await Worker.ResultAsync(id);
            Assert.Equal(ResultStatus.Stored, result.Status);
            Assert.Equal(serial, result.Serial);

            var metaInfo = directory.MetaInfo(serial);
            Assert.Contains($"requestId:{serial}", metaInfo);
            Assert.Contains("profileId:caFullCMCUserCert", metaInfo);
            var token = Assert.Single(directory.RevocationTokens(serial));
            Assert.NotEqual(previous, token);
            previous = token;
            var passphrase = Worker.OpenNotice(Assert.Single(Worker.NoticesOf(id)));
            Assert.Equal(passphrase, Worker.DecryptToken(token, KeyWrap.Pkcs1));
        }
    }

    [Fact]
    public async Task Clear_removes_the_enrollment_token_and_clearing_again_succeeds()
    {
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        var enrolled = await Worker.ResultAsync(await Worker.EnrollAsync(uid));
        Assert.Equal(ResultStatus.Stored, enrolled.Status);

        foreach (var _ in new[] { 1, 2 })
        {
            var id = "t-" + Guid.NewGuid().ToString("N");
            await Worker.PublishAsync("clear", $"{{\"version\":1,\"kind\":\"clear\",\"requestId\":\"{id}\",\"uid\":\"{uid}\"}}");
            var cleared = await Worker.ResultAsync(id);
            Assert.Equal(ResultStatus.Cleared, cleared.Status);
            Assert.Empty(directory.EnrollmentTokens(uid));
            Assert.Empty(Worker.NoticesOf(id));
        }
    }

    [Fact]
    public async Task Clear_removes_the_revocation_token_and_keeps_the_other_metaInfo()
    {
        using var directory = new DirectoryProbe();
        var serial = directory.CreateCertificateRecord();
        var id = "t-" + Guid.NewGuid().ToString("N");
        await Worker.PublishAsync("revocation", $"{{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{id}\",\"serial\":\"{serial}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"a@example.com\"}}}}");
        Assert.Equal(ResultStatus.Stored, (await Worker.ResultAsync(id)).Status);

        var clear = "t-" + Guid.NewGuid().ToString("N");
        await Worker.PublishAsync("clear", $"{{\"version\":1,\"kind\":\"clear\",\"requestId\":\"{clear}\",\"serial\":\"{serial}\"}}");
        Assert.Equal(ResultStatus.Cleared, (await Worker.ResultAsync(clear)).Status);
        Assert.Empty(directory.RevocationTokens(serial));
        Assert.Equal(2, directory.MetaInfo(serial).Count);
    }

    [Theory]
    [InlineData("nobody-" + "x1", "unknown-uid")]
    [InlineData("dupuser", "ambiguous-uid")]
    public async Task A_uid_the_CA_could_not_use_fails_without_retry(string uid, string code)
    {
        var id = await Worker.EnrollAsync(uid);
        var result = await Worker.ResultAsync(id);
        Assert.Equal(ResultStatus.Failed, result.Status);
        Assert.Equal(code, result.Error!.Code);
        Assert.Equal(1, result.Attempts);
        var dead = await Worker.DeadLetterAsync(body => body.Contains(id, StringComparison.Ordinal));
        Assert.Equal(code, dead.Code);
        Assert.Empty(Worker.NoticesOf(id));
    }

    [Fact]
    public async Task A_bulk_request_goes_through_the_bulk_lane()
    {
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        var id = await Worker.EnrollAsync(uid, batchId: "batch-e2e");
        var result = await Worker.ResultAsync(id);
        Assert.Equal(ResultStatus.Stored, result.Status);
        Assert.Equal("batch-e2e", result.BatchId);
        Assert.Equal("batch-e2e", Assert.Single(Worker.NoticesOf(id)).BatchId);
    }
}
