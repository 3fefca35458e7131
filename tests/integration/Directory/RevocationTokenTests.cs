using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>Revocation tokens on certificate records of the stack's 389 DS, as the worker's bind.</summary>
public sealed class RevocationTokenTests : IDisposable
{
    private const string Prefix = "revShrTok:";
    private const string InfoPrefix = "revShrTokInfo:";
    private readonly DirectoryTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Two_writes_keep_requestId_and_profileId_and_leave_exactly_one_revShrTok()
    {
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial);
        var store = _bed.Store();
        var first = DirectoryTestBed.NewToken();
        var second = DirectoryTestBed.NewToken();

        var written = await store.StoreRevocationTokenAsync(serial, first);
        Assert.Equal(dn, written.Dn, ignoreCase: true);
        AssertRecord(dn, first);

        await store.StoreRevocationTokenAsync(serial, second);
        AssertRecord(dn, second);

        var read = await store.ReadRevocationTokenAsync(serial);
        Assert.Equal(second, read.Token);
        Assert.Equal(1, read.TokenValueCount);
    }

    [Fact]
    public async Task Rewriting_the_same_token_keeps_one_value()
    {
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial);
        var store = _bed.Store();
        var token = DirectoryTestBed.NewToken();
        await store.StoreRevocationTokenAsync(serial, token);
        await store.StoreRevocationTokenAsync(serial, token);
        AssertRecord(dn, token);
    }

    [Fact]
    public async Task Stray_duplicate_revShrTok_values_are_all_replaced_by_one()
    {
        // A record left with two values (say, by a manual bare add) ends with exactly the new one.
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial, Prefix + "AAAA", Prefix + "BBBB");
        var store = _bed.Store();
        // Read as the CA parses metaInfo: the last revShrTok value wins.
        var before = await store.ReadRevocationTokenAsync(serial);
        Assert.Equal("BBBB", before.Token);
        Assert.Equal(2, before.TokenValueCount);

        var token = DirectoryTestBed.NewToken();
        await store.StoreRevocationTokenAsync(serial, token);
        AssertRecord(dn, token);
    }

    [Fact]
    public async Task Hex_and_decimal_serials_address_the_same_record()
    {
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial);
        var store = _bed.Store();
        var token = DirectoryTestBed.NewToken();

        var written = await store.StoreRevocationTokenAsync(CertificateSerial.Parse(serial.Hex), token);
        Assert.Equal(dn, written.Dn, ignoreCase: true);
        var read = await store.ReadRevocationTokenAsync(CertificateSerial.Parse(serial.Decimal));
        Assert.Equal(token, read.Token);
    }

    [Fact]
    public async Task The_stacks_sample_record_6699_is_0x1A2B()
    {
        // Read-only: the sample record is shared with other tests, so only its address is checked here.
        var store = _bed.Store();
        var byHex = await store.ReadRevocationTokenAsync(CertificateSerial.Parse("0x1A2B"));
        var byDecimal = await store.ReadRevocationTokenAsync(CertificateSerial.Parse("6699"));
        Assert.Equal($"cn=6699,{_bed.RepositoryBase}", byHex.Dn, ignoreCase: true);
        Assert.Equal(byHex.Dn, byDecimal.Dn);
    }

    [Fact]
    public async Task Unknown_serial_names_the_record_dn()
    {
        var serial = DirectoryTestBed.NewSerial();
        var error = await Assert.ThrowsAsync<DirectoryException>(() => _bed.Store().StoreRevocationTokenAsync(serial, DirectoryTestBed.NewToken()));
        Assert.Equal(DirectoryFailure.UnknownSerial, error.Kind);
        Assert.Equal(32, error.LdapResultCode);
        Assert.Equal($"cn={serial.Decimal},{_bed.RepositoryBase}", error.Dn);
        Assert.Contains(error.Dn!, error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<DirectoryException>(() => _bed.Store().ClearRevocationTokenAsync(serial));
        Assert.Equal(DirectoryFailure.UnknownSerial, error.Kind);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    public async Task Concurrent_writers_end_with_exactly_one_value_and_lose_no_other_update(int writers)
    {
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial);
        // Retries bounded high enough that every writer gets through; the point is the end state.
        var stores = Enumerable.Range(0, 4).Select(_ => _bed.Store(o => o.MaxConcurrencyRetries = 100)).ToList();
        var tokens = Enumerable.Range(0, writers).Select(_ => DirectoryTestBed.NewToken()).ToList();

        // While the token writers race (first writers through the assertion, later ones through the
        // exact delete), another party adds unrelated metaInfo values: none may be lost.
        var others = Enumerable.Range(0, 10).Select(i => $"note:{i}").ToList();
        var adder = Task.Run(() =>
        {
            foreach (var value in others) _bed.AddMetaInfo(dn, value);
        });
        // Open the connections first, so that the writers really start together.
        await Task.WhenAll(stores.SelectMany(st => Enumerable.Range(0, 4).Select(_ => st.ReadRevocationTokenAsync(serial))));
        using var start = new ManualResetEventSlim();
        var writes = tokens.Select((t, i) => Task.Run(async () =>
        {
            start.Wait();
            return await stores[i % stores.Count].StoreRevocationTokenAsync(serial, t);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(writes);
        await adder;

        var values = _bed.Values(dn, "metaInfo");
        var revocation = Assert.Single(values, v => v.StartsWith(Prefix, StringComparison.Ordinal));
        Assert.Contains(revocation[Prefix.Length..], tokens);
        Assert.Contains(DirectoryTestBed.RequestIdValue, values);
        Assert.Contains(DirectoryTestBed.ProfileIdValue, values);
        Assert.All(others, o => Assert.Contains(o, values));
        var info = Assert.Single(values, v => v.StartsWith(InfoPrefix, StringComparison.Ordinal));
        Assert.Equal(TokenDigest.Sha256Hex(revocation[Prefix.Length..]), TokenMetadata.ParseMetaInfo(info)!.TokenSha256);
        Assert.Equal(2 + others.Count + 2, values.Count);
        Assert.All(results, r => Assert.True(r.Changed));
    }

    [Fact]
    public async Task A_first_writer_that_raced_another_first_writer_removes_the_earlier_value()
    {
        // Both saw no revShrTok; the other one's add lands between our read and our modify. Our
        // post-read shows both values, ours is the later one, so we delete the other: one value left.
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial);
        var store = _bed.Store();
        var other = DirectoryTestBed.NewToken();
        var raced = 0;
        store.BetweenReadAndModify = target =>
        {
            if (Interlocked.Exchange(ref raced, 1) == 0) _bed.AddMetaInfo(target, Prefix + other);
        };
        var token = DirectoryTestBed.NewToken();
        var written = await store.StoreRevocationTokenAsync(serial, token);
        Assert.Equal(1, raced);
        Assert.Equal(1, written.Attempts);
        AssertRecord(dn, token);
    }

    [Fact]
    public async Task A_writer_whose_old_value_changed_meanwhile_rereads_and_retries()
    {
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial, Prefix + "T0xE");
        var store = _bed.Store();
        var raced = 0;
        store.BetweenReadAndModify = target =>
        {
            if (Interlocked.Exchange(ref raced, 1) != 0) return;
            // Another writer replaces the old value first: our delete of "revShrTok:OLD" must fail.
            _bed.Admin.SendRequest(new System.DirectoryServices.Protocols.ModifyRequest(target,
                System.DirectoryServices.Protocols.DirectoryAttributeOperation.Delete, "metaInfo", Prefix + "T0xE"));
            _bed.AddMetaInfo(target, Prefix + "T1RIRVI=");
        };
        var token = DirectoryTestBed.NewToken();
        var written = await store.StoreRevocationTokenAsync(serial, token);
        Assert.Equal(2, written.Attempts);
        AssertRecord(dn, token);
    }

    [Fact]
    public async Task Clear_removes_only_the_token_and_clearing_nothing_succeeds()
    {
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial);
        var store = _bed.Store();
        await store.StoreRevocationTokenAsync(serial, DirectoryTestBed.NewToken());

        var cleared = await store.ClearRevocationTokenAsync(serial);
        Assert.True(cleared.Changed);
        var remaining = _bed.Values(dn, "metaInfo");
        Assert.Equal(2, remaining.Count);
        Assert.Contains(DirectoryTestBed.RequestIdValue, remaining);
        Assert.Contains(DirectoryTestBed.ProfileIdValue, remaining);
        Assert.Null((await store.ReadRevocationTokenAsync(serial)).Token);

        Assert.False((await store.ClearRevocationTokenAsync(serial)).Changed);
    }

    [Fact]
    public async Task Documentation_variant_writes_shrTok_on_the_record_and_leaves_metaInfo_alone()
    {
        // The stack's ACIs let the worker write shrTok on records but not add object classes
        // there, so the record is an extensibleObject already (as the documentation's procedure needs).
        var serial = DirectoryTestBed.NewSerial();
        var dn = _bed.CreateRecord(serial, extensible: true);
        var store = _bed.Store(o => o.RevocationTokenAttribute = RevocationTokenAttribute.ShrTok);
        var first = DirectoryTestBed.NewToken();
        var second = DirectoryTestBed.NewToken();

        await store.StoreRevocationTokenAsync(serial, first);
        await store.StoreRevocationTokenAsync(serial, second);
        Assert.Equal([second], _bed.Values(dn, "shrTok"));
        Assert.Single(_bed.Values(dn, "objectClass"), c => c.Equals("extensibleObject", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, _bed.Values(dn, "metaInfo").Count);
        Assert.Equal(second, (await store.ReadRevocationTokenAsync(serial)).Token);

        Assert.True((await store.ClearRevocationTokenAsync(serial)).Changed);
        Assert.Empty(_bed.Values(dn, "shrTok"));
        Assert.False((await store.ClearRevocationTokenAsync(serial)).Changed);
    }

    private void AssertRecord(string dn, string token)
    {
        var values = _bed.Values(dn, "metaInfo");
        Assert.Contains(DirectoryTestBed.RequestIdValue, values);
        Assert.Contains(DirectoryTestBed.ProfileIdValue, values);
        Assert.Equal(Prefix + token, Assert.Single(values, v => v.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)));
        // Beside the token, exactly one metadata line, and it is the token's own.
        var info = Assert.Single(values, v => v.StartsWith(InfoPrefix, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(TokenDigest.Sha256Hex(token), TokenMetadata.ParseMetaInfo(info)!.TokenSha256);
        Assert.Equal(4, values.Count);
    }
}
