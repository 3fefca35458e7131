using System.Text;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>Enrollment tokens on the stack's 389 DS, written as the worker's least-privileged bind.</summary>
public sealed class EnrollmentTokenTests : IDisposable
{
    private readonly DirectoryTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Token_is_the_single_shrTok_value_the_CAs_search_finds_and_a_second_write_replaces_it()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        var store = _bed.Store();
        var first = DirectoryTestBed.NewToken();
        var second = DirectoryTestBed.NewToken();
        var start = DateTime.UtcNow;

        var written = await store.StoreEnrollmentTokenAsync(uid, first);
        Assert.Equal(dn, written.Dn, ignoreCase: true);
        Assert.True(written.Changed);
        AssertSingleToken(uid, first);
        // The directory-wide check the hostile-uid tests rely on does find a written token.
        Assert.Equal(dn, Assert.Single(_bed.EntriesHoldingToken(first, start)), ignoreCase: true);

        await store.StoreEnrollmentTokenAsync(uid, second);
        AssertSingleToken(uid, second);

        var classes = _bed.Values(dn, "objectClass");
        Assert.Single(classes, c => c.Equals("extensibleObject", StringComparison.OrdinalIgnoreCase));

        var read = await store.ReadEnrollmentTokenAsync(uid);
        Assert.Equal(second, read.Token);
        Assert.Equal(1, read.TokenValueCount);
        Assert.Equal(dn, read.Dn, ignoreCase: true);
    }

    [Fact]
    public async Task Entry_that_already_is_an_extensibleObject_is_written_too()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid, extensible: true);
        var token = DirectoryTestBed.NewToken();
        await _bed.Store().StoreEnrollmentTokenAsync(uid, token);
        AssertSingleToken(uid, token);
        Assert.Single(_bed.Values(dn, "objectClass"), c => c.Equals("extensibleObject", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Concurrent_writers_to_one_user_leave_one_of_their_tokens()
    {
        var uid = DirectoryTestBed.NewUid();
        _bed.CreatePerson(uid);
        var store = _bed.Store();
        var tokens = Enumerable.Range(0, 12).Select(_ => DirectoryTestBed.NewToken()).ToList();
        await Task.WhenAll(tokens.Select(t => store.StoreEnrollmentTokenAsync(uid, t)));
        var entry = Assert.Single(_bed.SearchLikeTheCa(uid).Cast<System.DirectoryServices.Protocols.SearchResultEntry>());
        var value = Assert.Single(entry.Attributes["shrTok"].GetValues(typeof(byte[])).Cast<byte[]>());
        Assert.Contains(Encoding.ASCII.GetString(value), tokens);
    }

    [Fact]
    public async Task Clear_removes_the_token_and_clearing_nothing_succeeds()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        var store = _bed.Store();
        await store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken());

        var cleared = await store.ClearEnrollmentTokenAsync(uid);
        Assert.True(cleared.Changed);
        Assert.Empty(_bed.Values(dn, "shrTok"));

        var again = await store.ClearEnrollmentTokenAsync(uid);
        Assert.False(again.Changed);
        Assert.Equal(dn, again.Dn, ignoreCase: true);
        Assert.Null((await store.ReadEnrollmentTokenAsync(uid)).Token);
    }

    [Fact]
    public async Task Unknown_uid_is_reported_with_the_base()
    {
        var uid = DirectoryTestBed.NewUid();
        var error = await Assert.ThrowsAsync<DirectoryException>(() => _bed.Store().StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken()));
        Assert.Equal(DirectoryFailure.UnknownUid, error.Kind);
        Assert.Equal(_bed.PeopleBase, error.Dn);
        Assert.Contains(uid, error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<DirectoryException>(() => _bed.Store().ClearEnrollmentTokenAsync(uid));
        Assert.Equal(DirectoryFailure.UnknownUid, error.Kind);
    }

    public static TheoryData<string, DirectoryFailure> HostileUids => new()
    {
        { "*", DirectoryFailure.UnknownUid },
        { ")(uid=*", DirectoryFailure.UnknownUid },
        { "x)(objectClass=*", DirectoryFailure.UnknownUid },
        { "t-canary*", DirectoryFailure.UnknownUid },
        { "\\", DirectoryFailure.UnknownUid },
        { "\\2a", DirectoryFailure.UnknownUid },
        { "a\0b", DirectoryFailure.InvalidUid },
        { new string('x', 20_000), DirectoryFailure.InvalidUid },
        { "dupuser", DirectoryFailure.AmbiguousUid },
    };

    /// <summary>
    /// Filter metacharacters are escaped, so each hostile uid matches literally (nothing) and fails
    /// cleanly; canary entries that an unescaped filter would match keep no token.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostileUids))]
    public async Task Hostile_uids_change_nothing_and_fail_cleanly(string uid, DirectoryFailure expected)
    {
        var canaries = new[] { _bed.CreatePerson("t-canary" + Guid.NewGuid().ToString("N")), _bed.CreatePerson(DirectoryTestBed.NewUid()) };
        var store = _bed.Store();
        var token = DirectoryTestBed.NewToken();
        var start = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.StoreEnrollmentTokenAsync(uid, token));
        Assert.Equal(expected, error.Kind);
        Assert.Empty(_bed.EntriesHoldingToken(token, start));
        Assert.False(error.IsTransient);
        Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DirectoryException>(() => store.ClearEnrollmentTokenAsync(uid));

        foreach (var canary in canaries)
        {
            Assert.Empty(_bed.Values(canary, "shrTok"));
            Assert.DoesNotContain(_bed.Values(canary, "objectClass"), c => c.Equals("extensibleObject", StringComparison.OrdinalIgnoreCase));
        }
        if (expected == DirectoryFailure.AmbiguousUid)
        {
            foreach (System.DirectoryServices.Protocols.SearchResultEntry entry in _bed.SearchLikeTheCa(uid))
                Assert.DoesNotContain(_bed.Values(entry.DistinguishedName, "shrTok"), v => v == token);
        }
    }

    [Fact]
    public async Task A_uid_three_fresh_entries_share_is_ambiguous_and_none_is_written()
    {
        // Three, so that the lookup's two-entry size limit is exceeded (sizeLimitExceeded, 4);
        // dupuser above covers exactly two.
        var uid = DirectoryTestBed.NewUid();
        var entries = new[] { "one", "two", "three" }.Select(n => _bed.CreatePerson(uid, rdn: $"cn={uid} {n}")).ToList();
        var error = await Assert.ThrowsAsync<DirectoryException>(() => _bed.Store().StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken()));
        Assert.Equal(DirectoryFailure.AmbiguousUid, error.Kind);
        Assert.All(entries, dn => Assert.Empty(_bed.Values(dn, "shrTok")));
    }

    [Fact]
    public async Task A_uid_made_of_filter_characters_finds_exactly_its_own_entry()
    {
        // Escaping is not refusal: an entry whose uid really is "x)(uid=*<guid>" is found, and only it.
        var uid = "x)(uid=*" + Guid.NewGuid().ToString("N");
        var dn = _bed.CreatePerson(uid, rdn: "cn=" + Guid.NewGuid().ToString("N"));
        var token = DirectoryTestBed.NewToken();
        var written = await _bed.Store().StoreEnrollmentTokenAsync(uid, token);
        Assert.Equal(dn, written.Dn, ignoreCase: true);
        Assert.Equal([token], _bed.Values(dn, "shrTok"));
    }

    [Fact]
    public async Task Writing_an_attribute_the_worker_may_not_write_anywhere_is_insufficient_access_of_the_worker()
    {
        // The stack's ACIs let the worker write shrTok only; "description" stands for a misconfigured
        // attribute. The base refuses it too, so it is the worker's fault (issue 14), not the entry's.
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid, extensible: true);
        var store = _bed.Store(o => o.EnrollmentTokenAttribute = "description");
        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken()));
        Assert.Equal(DirectoryFailure.InsufficientAccess, error.Kind);
        Assert.Equal(50, error.LdapResultCode);
        Assert.Equal("description", error.Attribute);
        Assert.Contains(dn, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("insufficient access (LDAP 50) writing description on ", error.Problem, StringComparison.Ordinal);
        Assert.False(error.IsTransient);

        // The breaker's probe: a write that changes nothing; refused here, allowed for shrTok.
        var denied = await Assert.ThrowsAsync<DirectoryException>(() => store.CheckWriteAccessAsync(dn, "description"));
        Assert.Equal(DirectoryFailure.InsufficientAccess, denied.Kind);
        await store.CheckWriteAccessAsync(dn, "shrTok");
        Assert.Empty(_bed.Values(dn, "shrTok"));
    }

    private void AssertSingleToken(string uid, string token)
    {
        var entry = Assert.Single(_bed.SearchLikeTheCa(uid).Cast<System.DirectoryServices.Protocols.SearchResultEntry>());
        var values = entry.Attributes["shrTok"].GetValues(typeof(byte[])).Cast<byte[]>().ToList();
        Assert.Equal(Encoding.ASCII.GetBytes(token), Assert.Single(values));
    }
}
