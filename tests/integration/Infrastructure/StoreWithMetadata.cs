using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>
/// The store's writes with metadata made up for the token (issued now, the default 7-day lifetime), for
/// the tests that are about the token itself and not about its metadata.
/// </summary>
internal static class StoreWithMetadata
{
    /// <summary>Metadata for <paramref name="token"/> issued now, expiring after <paramref name="lifetime"/> (7 days when null; never with <see cref="TimeSpan.Zero"/>).</summary>
    public static TokenMetadata For(string token, TimeSpan? lifetime = null, string requestId = "test-request", string? batchId = null)
    {
        var issued = TokenMetadata.ToSeconds(DateTimeOffset.UtcNow);
        var life = lifetime ?? TimeSpan.FromDays(7);
        return new TokenMetadata(TokenDigest.Sha256Hex(token), issued, life == TimeSpan.Zero ? null : issued + life, requestId, batchId, null);
    }

    public static Task<DirectoryWrite> StoreEnrollmentTokenAsync(this IDirectoryStore store, string uid, string token, CancellationToken cancellationToken = default) =>
        store.StoreEnrollmentTokenAsync(uid, token, For(token), cancellationToken);

    public static Task<DirectoryWrite> StoreRevocationTokenAsync(this IDirectoryStore store, CertificateSerial serial, string token, CancellationToken cancellationToken = default) =>
        store.StoreRevocationTokenAsync(serial, token, For(token), cancellationToken);
}
