using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Directory.Ldap;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// The token lifecycle's directory side on the stack's 389 DS, bound as the worker: the persistent
/// search sees records added and revoked the way the CA does them, the catch-up search finds them
/// by date, exact-value deletes remove only the value named, and the checkpoint only moves forward.
/// Other tests add records at the same time: every assertion picks its own record by DN.
/// </summary>
[Collection(SharedSecretWorker.Tests.Integration.Lifecycle.TokenLifecycleCollection.Name)]
public sealed class CertificateRecordWatchTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly DirectoryProbe _probe = new();
    private readonly DirectoryTestBed _bed = new();
    private readonly LdapTokenLifecycleDirectory _directory;

    public CertificateRecordWatchTests() =>
        _directory = new LdapTokenLifecycleDirectory(Options.Create(_bed.WorkerOptions()), NullLogger<LdapTokenLifecycleDirectory>.Instance);

    public void Dispose()
    {
        _directory.Dispose();
        _bed.Dispose();
        _probe.Dispose();
    }

    private string RecordDn(string serial) => $"cn={serial},{_probe.CertificateRepositoryBase}";

    private static async Task<CertificateRecordChange> ChangeOfAsync(ICertificateRecordWatch watch, string dn, CertificateRecordChangeKind kind)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var change = await watch.NextChangeAsync(timeout.Token);
            if (string.Equals(change.Record.Dn, dn, StringComparison.OrdinalIgnoreCase) && change.Kind == kind) return change;
        }
    }

    [Fact]
    public async Task The_persistent_search_reports_a_record_added_and_then_revoked()
    {
        var uid = _probe.CreatePerson();
        await using var watch = await _directory.WatchAsync(_probe.CertificateRepositoryBase, CancellationToken.None);

        var serial = _probe.IssueCertificate(_probe.PersonDn(uid));
        var added = await ChangeOfAsync(watch, RecordDn(serial), CertificateRecordChangeKind.Added);
        Assert.Equal(serial, added.Record.Serial);
        Assert.Equal(DirectoryProbe.AsX500Name(_probe.PersonDn(uid)), added.Record.SubjectName);
        Assert.Equal("VALID", added.Record.CertStatus);
        Assert.NotNull(added.Record.CreatedAt);
        Assert.InRange(added.Record.CreatedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(2));
        Assert.Empty(added.Record.RevocationTokenValues);

        _probe.AddMetaInfo(serial, "revShrTok:QUJD");
        _probe.RevokeCertificate(serial);
        var revoked = await ChangeOfAsync(watch, RecordDn(serial), CertificateRecordChangeKind.Modified);
        while (!revoked.Record.IsRevoked) revoked = await ChangeOfAsync(watch, RecordDn(serial), CertificateRecordChangeKind.Modified);
        Assert.Equal(["revShrTok:QUJD"], revoked.Record.RevocationTokenValues);
        Assert.NotNull(revoked.Record.RevokedOn);
        await watch.ProbeAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("STACK_LDAPS_URL", false)]
    [InlineData("STACK_LDAP_STARTTLS_URL", true)]
    public async Task The_watch_connection_speaks_TLS_with_the_directorys_CA_and_refuses_another(string url, bool startTls)
    {
        var options = _bed.WorkerOptions();
        options.Url = _bed.Stack.Get(url);
        options.StartTls = startTls;
        options.CaFile = _bed.Stack.Get("STACK_LDAP_CA_FILE");
        using (var directory = new LdapTokenLifecycleDirectory(Options.Create(options), NullLogger<LdapTokenLifecycleDirectory>.Instance))
        {
            var uid = _probe.CreatePerson();
            await using var watch = await directory.WatchAsync(_probe.CertificateRepositoryBase, CancellationToken.None);
            var serial = _probe.IssueCertificate(_probe.PersonDn(uid));
            await ChangeOfAsync(watch, RecordDn(serial), CertificateRecordChangeKind.Added);
        }

        // A CA that did not sign the directory's certificate: the TLS handshake fails, naming the setting.
        options.CaFile = _bed.Stack.Get("STACK_RABBITMQ_CA_FILE");
        using var untrusting = new LdapTokenLifecycleDirectory(Options.Create(options), NullLogger<LdapTokenLifecycleDirectory>.Instance);
        var refused = await Assert.ThrowsAsync<DirectoryException>(() => untrusting.WatchAsync(_probe.CertificateRepositoryBase, CancellationToken.None));
        Assert.Equal(DirectoryFailure.Unavailable, refused.Kind);
        Assert.Contains("Directory:CaFile", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_or_a_base_that_does_not_exist_is_reported_as_such()
    {
        var options = _bed.WorkerOptions();
        var wrong = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(wrong, "not-the-password");
            options.BindPasswordFile = wrong;
            using var directory = new LdapTokenLifecycleDirectory(Options.Create(options), NullLogger<LdapTokenLifecycleDirectory>.Instance);
            var refused = await Assert.ThrowsAsync<DirectoryException>(() => directory.WatchAsync(_probe.CertificateRepositoryBase, CancellationToken.None));
            Assert.Equal(DirectoryFailure.AuthenticationFailed, refused.Kind);
            Assert.Equal(49, refused.LdapResultCode);
        }
        finally
        {
            File.Delete(wrong);
        }

        var missing = await Assert.ThrowsAsync<DirectoryException>(async () =>
        {
            await using var watch = await _directory.WatchAsync("ou=nothing-here," + _probe.CertificateRepositoryBase, CancellationToken.None);
        });
        // 389 DS does not tell the worker's bind that the base is missing: it ends the search at once.
        Assert.True(missing.Kind == DirectoryFailure.Misconfigured, missing.Message);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_catch_up_search_finds_records_created_or_revoked_since_a_time_over_several_pages()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-2);
        var serials = Enumerable.Range(0, 3).Select(_ => _probe.IssueCertificate(null)).ToList();
        _probe.RevokeCertificate(serials[0]);
        // Pages of two records, so that the paged results control is followed to its end.
        var connection = await LdapStreamConnection.OpenAsync(_bed.WorkerOptions(), CancellationToken.None);
        await using var watch = await LdapCertificateRecordWatch.StartAsync(connection, _probe.CertificateRepositoryBase, TimeSpan.FromSeconds(10),
            CancellationToken.None, pageSize: 2);

        var found = new List<CertificateRecord>();
        await foreach (var record in watch.FindChangedSinceAsync(since, CancellationToken.None)) found.Add(record);

        foreach (var serial in serials) Assert.Contains(found, r => r.Serial == serial);
        Assert.True(found.Single(r => r.Serial == serials[0]).IsRevoked);
        Assert.DoesNotContain(found, r => r.Serial == "6699");
    }

    [Fact]
    public async Task Exact_value_deletes_remove_only_the_value_named_and_only_once()
    {
        var uid = _probe.CreatePerson();
        var dn = _probe.PersonDn(uid);
        using (var store = _bed.Store()) await store.StoreEnrollmentTokenAsync(uid, "T0xE");
        var holder = await _directory.ReadTokenHolderAsync(DirectoryProbe.AsX500Name(dn), CancellationToken.None);
        Assert.NotNull(holder);
        Assert.Equal("T0xE", holder!.Token);
        Assert.Equal(uid, holder.Uid);
        Assert.NotNull(holder.ModifiedAt);

        Assert.NotNull(holder.InfoValue);
        Assert.NotNull(holder.NotAfterValue);
        Assert.NotNull(holder.Metadata);

        Assert.False(await _directory.RemoveEnrollmentTokenAsync(holder with { Token = "TkVX" }, CancellationToken.None));
        Assert.Equal(["T0xE"], _probe.EnrollmentTokens(uid));
        Assert.True(await _directory.RemoveEnrollmentTokenAsync(holder, CancellationToken.None));
        Assert.False(await _directory.RemoveEnrollmentTokenAsync(holder, CancellationToken.None));
        Assert.Empty(_probe.EnrollmentTokens(uid));
        // The metadata went with the token, in the same modify.
        var after = await _directory.ReadTokenHolderAsync(DirectoryProbe.AsX500Name(dn), CancellationToken.None);
        Assert.Null(after!.InfoValue);
        Assert.Null(after.NotAfterValue);

        var serial = _probe.IssueCertificate(null);
        _probe.AddMetaInfo(serial, "revShrTok:QUJD");
        Assert.True(await _directory.RemoveRevocationTokenAsync(RecordDn(serial), "revShrTok:QUJD", [], CancellationToken.None));
        Assert.False(await _directory.RemoveRevocationTokenAsync(RecordDn(serial), "revShrTok:QUJD", [], CancellationToken.None));
        Assert.Equal([$"requestId:{serial}", "profileId:caFullCMCSharedTokenCert"], _probe.MetaInfo(serial));

        Assert.Null(await _directory.ReadTokenHolderAsync("uid=nobody-" + Guid.NewGuid().ToString("N") + "," + _probe.PeopleBase, CancellationToken.None));
        Assert.Null(await _directory.ReadTokenHolderAsync("not a dn", CancellationToken.None));
    }

    [Fact]
    public async Task The_checkpoint_moves_forward_only()
    {
        var entry = _bed.Stack.LifecycleCheckpointEntry;
        var now = DateTimeOffset.UtcNow;
        var before = await _directory.ReadCheckpointAsync(entry, CancellationToken.None);
        var target = before is { } b && b > now ? b.AddSeconds(1) : now;

        Assert.True(await _directory.AdvanceCheckpointAsync(entry, target, CancellationToken.None));
        Assert.False(await _directory.AdvanceCheckpointAsync(entry, target.AddMinutes(-1), CancellationToken.None));
        var read = await _directory.ReadCheckpointAsync(entry, CancellationToken.None);
        Assert.NotNull(read);
        Assert.True(read >= target.AddMilliseconds(-1));

        var missing = await Assert.ThrowsAsync<DirectoryException>(() => _directory.ReadCheckpointAsync("cn=none," + _probe.PeopleBase, CancellationToken.None));
        Assert.Equal(DirectoryFailure.Misconfigured, missing.Kind);
    }
}
