using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Infrastructure;

/// <summary>The contract's invariant: for every uid, the passphrase in the last notice decrypts the token the directory holds.</summary>
public static class Invariant
{
    /// <summary>
    /// For every target, the last notice for its uid in any letter case (uids match as the directory
    /// matches them, <see cref="UidMatching"/>) opens the token the directory holds.
    /// </summary>
    public static void HoldsForEveryTarget(WorkerUnderTest observer, IEnumerable<string> uids)
    {
        using var directory = new DirectoryProbe();
        var lastNotice = new Dictionary<string, DeliveryNotice>(StringComparer.Ordinal);
        foreach (var notice in observer.Notices)
            if (notice.Uid is { } uid) lastNotice[UidMatching.Fold(uid)] = notice;
        var broken = new List<string>();
        foreach (var uid in uids.Distinct())
        {
            if (!lastNotice.TryGetValue(UidMatching.Fold(uid), out var notice))
            {
                broken.Add($"{uid}: no notice");
                continue;
            }
            var token = directory.EnrollmentTokens(uid).SingleOrDefault();
            if (token is null || TokenDigest.Sha256Hex(token) != notice.TokenSha256 || observer.DecryptToken(token, KeyWrap.Pkcs1) != observer.OpenNotice(notice))
                broken.Add($"{uid}: the last notice ({notice.RequestId}, {notice.Uid}) does not open the stored token");
        }
        Assert.True(broken.Count == 0, $"{broken.Count} targets broken:\n" + string.Join("\n", broken.Take(20)));
    }
}
