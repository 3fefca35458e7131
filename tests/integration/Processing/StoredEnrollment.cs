using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Processing;

/// <summary>
/// The contract's invariant for one enrollment, checked the way the CA and the hand-off service
/// see it: a stored result for the entry's DN, one shrTok value with the result's digest, one
/// notice for the same token, and the notice's passphrase decrypts the token.
/// </summary>
internal static class StoredEnrollment
{
    /// <summary>Asserts all of that for <paramref name="requestId"/>; returns the notice (for further checks).</summary>
    public static async Task<DeliveryNotice> AssertAsync(WorkerUnderTest worker, DirectoryProbe directory, string requestId, string uid, KeyWrap wrap)
    {
        var result = await worker.ResultAsync(requestId);
        Assert.Equal(ResultStatus.Stored, result.Status);
        Assert.Equal($"uid={uid},{directory.PeopleBase}", result.Dn, ignoreCase: true);
        var token = Assert.Single(directory.EnrollmentTokens(uid));
        Assert.Equal(TokenDigest.Sha256Hex(token), result.TokenSha256);
        var notice = Assert.Single(worker.NoticesOf(requestId));
        Assert.Equal(result.Dn, notice.Dn);
        Assert.Equal(result.TokenSha256, notice.TokenSha256);
        Assert.Equal(worker.OpenNotice(notice), worker.DecryptToken(token, wrap));
        return notice;
    }
}
