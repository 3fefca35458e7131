using System.DirectoryServices.Protocols;
using SharedSecretWorker.Directory;
using DirectoryException = SharedSecretWorker.Directory.DirectoryException;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// The remembered uid → DN lookups (Directory:EntryCacheSize) on the stack's 389 DS: a repeat
/// enrollment goes straight to the entry, and any change to the entry the worker remembered is
/// noticed by the modify itself, which then falls back to the CA's search.
/// </summary>
public sealed class EntryCacheTests : IDisposable
{
    private readonly DirectoryTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_remembered_entry_that_was_deleted_is_searched_again_and_reported_unknown()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        var store = _bed.Store();
        await store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken());

        _bed.Admin.SendRequest(new DeleteRequest(dn));

        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken()));
        Assert.Equal(DirectoryFailure.UnknownUid, error.Kind);
    }

    [Fact]
    public async Task A_remembered_entry_that_was_renamed_is_found_at_its_new_dn()
    {
        var uid = DirectoryTestBed.NewUid();
        var oldDn = _bed.CreatePerson(uid);
        var store = _bed.Store();
        await store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken());

        // The uid value stays on the entry (deleteOldRdn false): the CA's search finds it under its new name.
        var newRdn = "cn=renamed-" + uid;
        var newDn = $"{newRdn},{_bed.PeopleBase}";
        _bed.Admin.SendRequest(new ModifyDNRequest(oldDn, _bed.PeopleBase, newRdn) { DeleteOldRdn = false });
        try
        {
            var token = DirectoryTestBed.NewToken();
            var written = await store.StoreEnrollmentTokenAsync(uid, token);

            Assert.Equal(newDn, written.Dn, ignoreCase: true);
            var found = Assert.Single(_bed.SearchLikeTheCa(uid).Cast<SearchResultEntry>());
            Assert.Equal(newDn, found.DistinguishedName, ignoreCase: true);
            Assert.Equal([token], _bed.Values(newDn, "shrTok"));
        }
        finally
        {
            _bed.Admin.SendRequest(new DeleteRequest(newDn));
        }
    }

    [Fact]
    public async Task A_remembered_entry_stripped_of_extensibleObject_gets_it_back_with_the_new_token()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        var store = _bed.Store();
        await store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken());

        var strip = new ModifyRequest(dn);
        strip.Modifications.Add(new DirectoryAttributeModification { Name = "shrTok", Operation = DirectoryAttributeOperation.Delete });
        var extensible = new DirectoryAttributeModification { Name = "objectClass", Operation = DirectoryAttributeOperation.Delete };
        extensible.Add("extensibleObject");
        strip.Modifications.Add(extensible);
        _bed.Admin.SendRequest(strip);

        var token = DirectoryTestBed.NewToken();
        await store.StoreEnrollmentTokenAsync(uid, token);

        Assert.Equal([token], _bed.Values(dn, "shrTok"));
        Assert.Single(_bed.Values(dn, "objectClass"), c => c.Equals("extensibleObject", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_second_entry_taking_a_remembered_uid_is_refused_once_the_lifetime_is_over()
    {
        var uid = DirectoryTestBed.NewUid();
        _bed.CreatePerson(uid);
        var lifetime = TimeSpan.FromSeconds(1);
        var store = _bed.Store(o => o.EntryCacheLifetime = lifetime);
        await store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken());

        _bed.CreatePerson(uid, rdn: "cn=twin-" + uid);
        await Task.Delay(lifetime + TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken()));
        Assert.Equal(DirectoryFailure.AmbiguousUid, error.Kind);
    }

    [Fact]
    public async Task With_the_cache_off_a_second_entry_taking_the_uid_is_refused_at_once()
    {
        var uid = DirectoryTestBed.NewUid();
        _bed.CreatePerson(uid);
        var store = _bed.Store(o => o.EntryCacheSize = 0);
        await store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken());

        _bed.CreatePerson(uid, rdn: "cn=twin-" + uid);

        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken()));
        Assert.Equal(DirectoryFailure.AmbiguousUid, error.Kind);
    }
}
