using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Processing;

/// <summary>
/// The CA's keyWrap.useOAEP=true. SoftHSM2 2.6 cannot wrap with OAEP SHA-256, so the stack needs
/// Hsm:AllowSoftwareKeyWrap (the session key still comes from the HSM).
/// </summary>
public sealed class OaepWorkerTests
{
    [Fact]
    public async Task Enrollment_and_revocation_with_OAEP_decrypt_with_OAEP_only()
    {
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Token:KeyWrap"] = "Oaep",
            ["Hsm:AllowSoftwareKeyWrap"] = "true",
        });
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        var enrollment = await worker.EnrollAsync(uid, channel: "sms");
        await StoredEnrollment.AssertAsync(worker, directory, enrollment, uid, KeyWrap.Oaep);
        Assert.ThrowsAny<Exception>(() => worker.DecryptToken(Assert.Single(directory.EnrollmentTokens(uid)), KeyWrap.Pkcs1));

        var serial = directory.CreateCertificateRecord();
        var revocation = "t-" + Guid.NewGuid().ToString("N");
        await worker.PublishAsync("revocation",
            $"{{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{revocation}\",\"serial\":\"{serial}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"a@b\"}}}}");
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(revocation)).Status);
        var revocationToken = Assert.Single(directory.RevocationTokens(serial));
        Assert.Equal(worker.OpenNotice(Assert.Single(worker.NoticesOf(revocation))), worker.DecryptToken(revocationToken, KeyWrap.Oaep));
    }
}
