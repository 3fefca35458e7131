using System.DirectoryServices.Protocols;
using SharedSecretWorker.Directory;
using DirectoryException = SharedSecretWorker.Directory.DirectoryException;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// Lookups of concurrent enrollments batched into one search (Directory:LookupBatchSize) on the
/// stack's 389 DS: fewer searches, and each uid gets exactly the answer the CA's own search gives.
/// </summary>
public sealed class LookupBatchTests : IDisposable
{
    private readonly DirectoryTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Concurrent_enrollments_share_searches_and_each_gets_its_own_answer()
    {
        var people = Enumerable.Range(0, 24).Select(_ => DirectoryTestBed.NewUid()).ToList();
        var dns = people.ToDictionary(uid => uid, uid => _bed.CreatePerson(uid));
        var unknown = DirectoryTestBed.NewUid();
        var twin = DirectoryTestBed.NewUid();
        var twinDns = new[] { _bed.CreatePerson(twin), _bed.CreatePerson(twin, rdn: "cn=twin-" + twin) };
        // One uid asked for in upper case: the directory's uid matching ignores case, so must the batch.
        var shouting = people[0].ToUpperInvariant();
        var store = _bed.Store();
        var tokens = people.ToDictionary(uid => uid, _ => DirectoryTestBed.NewToken());

        var writes = people.Select(uid => Attempt(store, uid == people[0] ? shouting : uid, tokens[uid]))
            .Append(Attempt(store, unknown, DirectoryTestBed.NewToken()))
            .Append(Attempt(store, twin, DirectoryTestBed.NewToken()))
            .ToList();
        var outcomes = await Task.WhenAll(writes);

        for (var i = 0; i < people.Count; i++)
        {
            Assert.Null(outcomes[i].Failure);
            Assert.Equal(dns[people[i]], outcomes[i].Write!.Dn, ignoreCase: true);
            Assert.Equal([tokens[people[i]]], _bed.Values(dns[people[i]], "shrTok"));
        }
        Assert.Equal(DirectoryFailure.UnknownUid, outcomes[^2].Failure?.Kind);
        Assert.Equal(DirectoryFailure.AmbiguousUid, outcomes[^1].Failure?.Kind);
        Assert.All(twinDns, dn => Assert.Empty(_bed.Values(dn, "shrTok")));
        Assert.True(store.LookupSearches < writes.Count, $"{store.LookupSearches} searches for {writes.Count} concurrent lookups: nothing was batched.");
    }

    [Fact]
    public async Task Batched_or_not_a_uid_gets_what_the_CAs_own_search_gives()
    {
        // 389 DS's uid matching also ignores repeated inner spaces, which the batch's own matching
        // does not: such an answer makes the batch ask the server uid by uid.
        var uid = "t-" + Guid.NewGuid().ToString("N")[..8] + " x";
        var dn = _bed.CreatePerson(uid);
        var asked = uid.Replace(" ", "  ", StringComparison.Ordinal);
        var others = Enumerable.Range(0, 6).Select(_ => DirectoryTestBed.NewUid()).ToList();
        foreach (var other in others) _bed.CreatePerson(other);
        var store = _bed.Store();
        var token = DirectoryTestBed.NewToken();

        var outcomes = await Task.WhenAll(others.Select(o => Attempt(store, o, DirectoryTestBed.NewToken())).Prepend(Attempt(store, asked, token)));

        var theCa = _bed.SearchLikeTheCa(asked).Cast<SearchResultEntry>().ToList();
        if (theCa.Count == 1)
        {
            Assert.Equal(dn, outcomes[0].Write?.Dn, ignoreCase: true);
            Assert.Equal([token], _bed.Values(dn, "shrTok"));
        }
        else
        {
            Assert.Equal(DirectoryFailure.UnknownUid, outcomes[0].Failure?.Kind);
        }
        Assert.All(outcomes.Skip(1), o => Assert.Null(o.Failure));
    }

    private static async Task<(DirectoryWrite? Write, DirectoryException? Failure)> Attempt(LdapDirectoryStore store, string uid, string token)
    {
        try
        {
            return (await store.StoreEnrollmentTokenAsync(uid, token), null);
        }
        catch (DirectoryException e)
        {
            return (null, e);
        }
    }
}
