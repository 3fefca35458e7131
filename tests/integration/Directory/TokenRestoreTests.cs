using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// Undoing a token write whose passphrase never went out, on the stack's 389 DS: the write learns the
/// token it replaced (Pre-Read control for shrTok, the deleted value for revShrTok), and the restore is
/// one modify that deletes exactly the written token, so it changes nothing once a newer token stands.
/// </summary>
public sealed class TokenRestoreTests : IDisposable
{
    private readonly DirectoryTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task An_enrollment_write_is_undone_back_to_the_token_it_replaced()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        var store = _bed.Store();
        var delivered = DirectoryTestBed.NewToken();
        var undelivered = DirectoryTestBed.NewToken();

        var first = await store.StoreEnrollmentTokenAsync(uid, delivered);
        Assert.Null(first.Replaced);
        var second = await store.StoreEnrollmentTokenAsync(uid, undelivered);
        Assert.Equal(delivered, second.Replaced);

        var restored = await store.RestoreEnrollmentTokenAsync(second, undelivered);
        Assert.True(restored.Changed);
        Assert.Equal([delivered], _bed.Values(dn, "shrTok"));
    }

    [Fact]
    public async Task A_first_token_is_undone_by_removing_it()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        var store = _bed.Store();
        var token = DirectoryTestBed.NewToken();
        var written = await store.StoreEnrollmentTokenAsync(uid, token);

        Assert.True((await store.RestoreEnrollmentTokenAsync(written, token)).Changed);
        Assert.Empty(_bed.Values(dn, "shrTok"));
    }

    [Fact]
    public async Task A_newer_token_written_meanwhile_is_never_undone()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        var store = _bed.Store();
        await store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken());
        var undelivered = DirectoryTestBed.NewToken();
        var written = await store.StoreEnrollmentTokenAsync(uid, undelivered);
        var newer = DirectoryTestBed.NewToken();
        await store.StoreEnrollmentTokenAsync(uid, newer);

        var restored = await store.RestoreEnrollmentTokenAsync(written, undelivered);
        Assert.False(restored.Changed);
        Assert.Equal([newer], _bed.Values(dn, "shrTok"));
    }

    [Fact]
    public async Task A_revocation_write_is_undone_and_every_other_metaInfo_value_stays()
    {
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial);
        var store = _bed.Store();
        var delivered = DirectoryTestBed.NewToken();
        var undelivered = DirectoryTestBed.NewToken();
        await store.StoreRevocationTokenAsync(serial, delivered);
        var before = _bed.Values(dn, "metaInfo").Where(v => !v.StartsWith("revShrTok:", StringComparison.OrdinalIgnoreCase)).Order().ToList();
        var written = await store.StoreRevocationTokenAsync(serial, undelivered);
        Assert.Equal(delivered, written.Replaced);

        Assert.True((await store.RestoreRevocationTokenAsync(written, undelivered)).Changed);
        var after = _bed.Values(dn, "metaInfo");
        Assert.Equal(["revShrTok:" + delivered], after.Where(v => v.StartsWith("revShrTok:", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(before, after.Where(v => !v.StartsWith("revShrTok:", StringComparison.OrdinalIgnoreCase)).Order().ToList());

        // Once undone, the same restore again finds its token gone and changes nothing.
        Assert.False((await store.RestoreRevocationTokenAsync(written, undelivered)).Changed);
        Assert.Equal((await store.ReadRevocationTokenAsync(serial)).Token, delivered);
    }
}
