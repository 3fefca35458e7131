using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// The metadata kept beside every token on the stack's 389 DS (docs/token-lifecycle.md, "A lifetime"):
/// written in the same modify as the token, read back, put back with the token by an undo, removed with it
/// by a clear; the CA's own read still finds the token.
/// </summary>
public sealed class TokenMetadataTests : IDisposable
{
    private readonly DirectoryTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    private static TokenMetadata Metadata(string token, TimeSpan? lifetime, string requestId = "req-1") =>
        StoreWithMetadata.For(token, lifetime, requestId, "batch-1") with { WrappedTo = new string('b', 64) };

    [Fact]
    public async Task An_enrollment_write_keeps_its_line_and_expiry_beside_the_token_and_the_CA_still_reads_the_token()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        using var store = _bed.Store();
        var token = DirectoryTestBed.NewToken();
        // A day: the tests' sweeping workers must not take it away while this test looks at it.
        var metadata = Metadata(token, TimeSpan.FromDays(1));

        var write = await store.StoreEnrollmentTokenAsync(uid, token, metadata);

        Assert.Equal(metadata.Format(), write.Info);
        Assert.Equal([metadata.Format()], _bed.Values(dn, TokenMetadata.EnrollmentAttribute));
        Assert.Equal([TokenMetadata.FormatTime(metadata.NotAfter!.Value)], _bed.Values(dn, TokenMetadata.EnrollmentNotAfterAttribute));
        Assert.Equal(metadata, TokenMetadata.Parse(_bed.Values(dn, TokenMetadata.EnrollmentAttribute)[0]));
        Assert.Equal(token, (await store.ReadEnrollmentTokenAsync(uid)).Token);
        Assert.Single(_bed.SearchLikeTheCa(uid));
    }

    [Fact]
    public async Task A_token_that_never_expires_has_no_shrTokNotAfter_even_after_one_that_did()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        using var store = _bed.Store();
        var first = DirectoryTestBed.NewToken();
        await store.StoreEnrollmentTokenAsync(uid, first, Metadata(first, TimeSpan.FromDays(1)));
        var second = DirectoryTestBed.NewToken();

        await store.StoreEnrollmentTokenAsync(uid, second, Metadata(second, TimeSpan.Zero));

        Assert.Empty(_bed.Values(dn, TokenMetadata.EnrollmentNotAfterAttribute));
        Assert.Equal(TokenDigest.Sha256Hex(second), TokenMetadata.Parse(_bed.Values(dn, TokenMetadata.EnrollmentAttribute)[0])!.TokenSha256);
    }

    [Fact]
    public async Task An_undo_puts_back_the_replaced_tokens_line_and_expiry_or_removes_them()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        using var store = _bed.Store();
        var delivered = DirectoryTestBed.NewToken();
        var deliveredMetadata = Metadata(delivered, TimeSpan.FromDays(1), "req-delivered");
        var first = await store.StoreEnrollmentTokenAsync(uid, delivered, deliveredMetadata);
        var undelivered = DirectoryTestBed.NewToken();
        var second = await store.StoreEnrollmentTokenAsync(uid, undelivered, Metadata(undelivered, TimeSpan.FromSeconds(30), "req-undelivered"));
        Assert.Equal(deliveredMetadata.Format(), second.ReplacedInfo);

        Assert.True((await store.RestoreEnrollmentTokenAsync(second, undelivered)).Changed);

        Assert.Equal([delivered], _bed.Values(dn, "shrTok"));
        Assert.Equal([deliveredMetadata.Format()], _bed.Values(dn, TokenMetadata.EnrollmentAttribute));
        Assert.Equal([TokenMetadata.FormatTime(deliveredMetadata.NotAfter!.Value)], _bed.Values(dn, TokenMetadata.EnrollmentNotAfterAttribute));

        // The first token undone too: nothing was there before it, so nothing stays.
        Assert.True((await store.RestoreEnrollmentTokenAsync(first, delivered)).Changed);
        Assert.Empty(_bed.Values(dn, "shrTok"));
        Assert.Empty(_bed.Values(dn, TokenMetadata.EnrollmentAttribute));
        Assert.Empty(_bed.Values(dn, TokenMetadata.EnrollmentNotAfterAttribute));
    }

    [Fact]
    public async Task A_clear_removes_the_line_and_expiry_with_the_token()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        using var store = _bed.Store();
        var token = DirectoryTestBed.NewToken();
        await store.StoreEnrollmentTokenAsync(uid, token, Metadata(token, TimeSpan.FromDays(1)));

        Assert.True((await store.ClearEnrollmentTokenAsync(uid)).Changed);

        Assert.Empty(_bed.Values(dn, "shrTok"));
        Assert.Empty(_bed.Values(dn, TokenMetadata.EnrollmentAttribute));
        Assert.Empty(_bed.Values(dn, TokenMetadata.EnrollmentNotAfterAttribute));
        Assert.False((await store.ClearEnrollmentTokenAsync(uid)).Changed);
    }

    [Fact]
    public async Task A_revocation_write_keeps_one_line_beside_its_token_and_every_other_metaInfo_value()
    {
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial, "note:kept");
        using var store = _bed.Store();
        var first = DirectoryTestBed.NewToken();
        var firstMetadata = Metadata(first, TimeSpan.FromDays(1), "rev-1");
        await store.StoreRevocationTokenAsync(serial, first, firstMetadata);
        var second = DirectoryTestBed.NewToken();
        var secondMetadata = Metadata(second, TimeSpan.FromSeconds(30), "rev-2");

        var write = await store.StoreRevocationTokenAsync(serial, second, secondMetadata);

        var metaInfo = _bed.Values(dn, "metaInfo");
        Assert.Equal(["revShrTok:" + second], metaInfo.Where(v => v.StartsWith("revShrTok:", StringComparison.Ordinal)));
        Assert.Equal([secondMetadata.FormatMetaInfo()], metaInfo.Where(v => v.StartsWith("revShrTokInfo:", StringComparison.Ordinal)));
        Assert.Contains("note:kept", metaInfo);
        Assert.Contains(DirectoryTestBed.RequestIdValue, metaInfo);
        Assert.Equal(second, (await store.ReadRevocationTokenAsync(serial)).Token);
        Assert.Equal(firstMetadata.Format(), write.ReplacedInfo);

        // Undone: the first token and its line are back, together.
        Assert.True((await store.RestoreRevocationTokenAsync(write, second)).Changed);
        metaInfo = _bed.Values(dn, "metaInfo");
        Assert.Contains("revShrTok:" + first, metaInfo);
        Assert.Contains(firstMetadata.FormatMetaInfo(), metaInfo);
        Assert.DoesNotContain(secondMetadata.FormatMetaInfo(), metaInfo);

        // Cleared: token and line gone, the CA's values stay.
        Assert.True((await store.ClearRevocationTokenAsync(serial)).Changed);
        metaInfo = _bed.Values(dn, "metaInfo");
        Assert.DoesNotContain(metaInfo, v => v.StartsWith("revShrTok", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("note:kept", metaInfo);
    }
}
