using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>Transport, bind, pool and reconnect behaviour against the stack's 389 DS.</summary>
public sealed class ConnectionTests : IDisposable
{
    private readonly DirectoryTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Ldaps_with_the_stacks_CA_writes_and_reads()
    {
        var store = _bed.Store(o =>
        {
            o.Url = _bed.Stack.Get("STACK_LDAPS_URL");
            o.CaFile = _bed.Stack.Get("STACK_LDAP_CA_FILE");
        });
        await store.CheckAsync();
        await WriteAndReadBack(store);
    }

    [Fact]
    public async Task StartTls_with_the_stacks_CA_writes_and_reads()
    {
        var store = _bed.Store(o =>
        {
            o.Url = _bed.Stack.Find("STACK_LDAP_STARTTLS_URL") ?? _bed.Stack.Get("STACK_LDAP_URL");
            o.StartTls = true;
            o.CaFile = _bed.Stack.Get("STACK_LDAP_CA_FILE");
        });
        await store.CheckAsync();
        await WriteAndReadBack(store);
    }

    [Fact]
    public async Task Ldaps_without_trusting_the_stacks_CA_is_refused()
    {
        // The server certificate is verified: with only the system's trust store it is not trusted.
        var store = _bed.Store(o => o.Url = _bed.Stack.Get("STACK_LDAPS_URL"));
        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.CheckAsync());
        Assert.Equal(DirectoryFailure.Unavailable, error.Kind);
    }

    [Fact]
    public async Task StartTls_without_trusting_the_stacks_CA_is_refused()
    {
        var store = _bed.Store(o =>
        {
            o.Url = _bed.Stack.Find("STACK_LDAP_STARTTLS_URL") ?? _bed.Stack.Get("STACK_LDAP_URL");
            o.StartTls = true;
        });
        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.CheckAsync());
        Assert.Equal(DirectoryFailure.Unavailable, error.Kind);
        Assert.NotNull(error.LdapResultCode);
    }

    [Fact]
    public async Task Check_passes_for_the_stack_and_names_a_missing_base()
    {
        await _bed.Store().CheckAsync();
        var error = await Assert.ThrowsAsync<DirectoryException>(() => _bed.Store(o => o.PeopleBase = "ou=nobody," + _bed.Stack.Get("STACK_LDAP_SUFFIX")).CheckAsync());
        Assert.Equal(DirectoryFailure.Misconfigured, error.Kind);
        Assert.Contains("Directory:PeopleBase", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_fails_authentication_without_showing_it()
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("shrtok-dir-pw-").FullName;
        try
        {
            var file = Path.Combine(dir, "pw");
            const string wrong = "not-the-password-4711";
            await File.WriteAllTextAsync(file, wrong);
            var error = await Assert.ThrowsAsync<DirectoryException>(() => _bed.Store(o => o.BindPasswordFile = file).CheckAsync());
            Assert.Equal(DirectoryFailure.AuthenticationFailed, error.Kind);
            Assert.False(error.IsTransient);
            Assert.DoesNotContain(wrong, error.Message, StringComparison.Ordinal);
            Assert.Contains(_bed.Stack.Get("STACK_LDAP_WORKER_DN"), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_small_pool_serves_many_concurrent_callers()
    {
        var store = _bed.Store(o => o.MaxConnections = 2);
        var uids = Enumerable.Range(0, 6).Select(_ => DirectoryTestBed.NewUid()).ToList();
        foreach (var uid in uids) _bed.CreatePerson(uid);
        var tokens = uids.ToDictionary(u => u, _ => DirectoryTestBed.NewToken());
        await Task.WhenAll(uids.Select(u => store.StoreEnrollmentTokenAsync(u, tokens[u])));
        foreach (var uid in uids)
            Assert.Equal(tokens[uid], (await store.ReadEnrollmentTokenAsync(uid)).Token);
    }

    [Fact]
    public async Task Reconnects_after_the_server_goes_away_and_reports_it_while_it_is_gone()
    {
        var target = new Uri(_bed.Stack.Get("STACK_LDAP_URL"));
        await using var forwarder = new TcpForwarder(target.Host, target.Port);
        forwarder.Start();
        var store = _bed.Store(o => o.Url = $"ldap://127.0.0.1:{forwarder.Port}");
        var uid = DirectoryTestBed.NewUid();
        _bed.CreatePerson(uid);

        await store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken());
        Assert.Equal(1, forwarder.Accepted);

        // Every pooled connection dies: the next call redials transparently.
        forwarder.DropAll();
        var token = DirectoryTestBed.NewToken();
        await store.StoreEnrollmentTokenAsync(uid, token);
        Assert.Equal(2, forwarder.Accepted);
        Assert.Equal(token, (await store.ReadEnrollmentTokenAsync(uid)).Token);

        // The server is gone: a transient failure with the result code.
        await forwarder.StopAsync();
        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.StoreEnrollmentTokenAsync(uid, DirectoryTestBed.NewToken()));
        Assert.True(error.IsTransient);
        Assert.Equal(DirectoryFailure.Unavailable, error.Kind);
        Assert.NotNull(error.LdapResultCode);

        // It is back: so is the store, without a restart.
        forwarder.Start();
        token = DirectoryTestBed.NewToken();
        await store.StoreEnrollmentTokenAsync(uid, token);
        Assert.Equal(token, (await store.ReadEnrollmentTokenAsync(uid)).Token);
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_times_out_as_unavailable()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var store = _bed.Store(o =>
        {
            o.Url = $"ldap://127.0.0.1:{port}";
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.CheckAsync());
        Assert.Equal(DirectoryFailure.Unavailable, error.Kind);
        Assert.Equal(85, error.LdapResultCode);
        Assert.Contains("Directory:ConnectTimeout", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_operation_the_server_stops_answering_times_out_as_unavailable()
    {
        var target = new Uri(_bed.Stack.Get("STACK_LDAP_URL"));
        await using var forwarder = new TcpForwarder(target.Host, target.Port);
        forwarder.Start();
        var store = _bed.Store(o =>
        {
            o.Url = $"ldap://127.0.0.1:{forwarder.Port}";
            o.OperationTimeout = TimeSpan.FromSeconds(1);
        });
        // Warm-up with 1 s timeouts can itself time out on a loaded machine: retried, not judged.
        await EventuallyAsync(async () => { await store.CheckAsync(); return true; });

        forwarder.Paused = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<DirectoryException>(() => store.ReadRevocationTokenAsync(CertificateSerial.Parse("6699")));
        Assert.True(error.IsTransient);
        Assert.Equal(85, error.LdapResultCode);
        // The timed-out connection is dropped and one fresh one is tried (bounded by ConnectTimeout).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));

        forwarder.Paused = false;
        Assert.Equal($"cn=6699,{_bed.RepositoryBase}", (await EventuallyAsync(() => store.ReadRevocationTokenAsync(CertificateSerial.Parse("6699")))).Dn, ignoreCase: true);
    }

    [Fact]
    public async Task A_call_stuck_past_its_timeout_keeps_its_slot_until_the_server_answers()
    {
        // Bounded blocking: with two connections allowed, a hung call holds one and a hung dial the
        // other; the next caller is told the directory is unavailable after OperationTimeout
        // instead of opening more.
        var target = new Uri(_bed.Stack.Get("STACK_LDAP_URL"));
        await using var forwarder = new TcpForwarder(target.Host, target.Port);
        forwarder.Start();
        var store = _bed.Store(o =>
        {
            o.Url = $"ldap://127.0.0.1:{forwarder.Port}";
            o.MaxConnections = 2;
            o.OperationTimeout = TimeSpan.FromSeconds(1);
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        });
        // Warm-up with 1 s timeouts can itself time out on a loaded machine: retried, not judged.
        await EventuallyAsync(async () => { await store.CheckAsync(); return true; });
        var serial = CertificateSerial.Parse("6699");

        forwarder.Paused = true;
        var first = await Assert.ThrowsAsync<DirectoryException>(() => store.ReadRevocationTokenAsync(serial));
        Assert.Equal(DirectoryFailure.Unavailable, first.Kind);
        var second = await Assert.ThrowsAsync<DirectoryException>(() => store.ReadRevocationTokenAsync(serial));
        Assert.Equal(DirectoryFailure.Unavailable, second.Kind);
        var accepted = forwarder.Accepted;
        var third = await Assert.ThrowsAsync<DirectoryException>(() => store.ReadRevocationTokenAsync(serial));
        Assert.Contains("stayed busy", third.Message, StringComparison.Ordinal);
        Assert.Equal(accepted, forwarder.Accepted); // never more connections than MaxConnections at once

        forwarder.Paused = false;
        // The stuck call returns once the forwarder lets the answer through; on a loaded machine
        // that can take longer than the 1 s slot wait, so allow a few tries.
        var read = await EventuallyAsync(() => store.ReadRevocationTokenAsync(serial));
        Assert.Equal($"cn=6699,{_bed.RepositoryBase}", read.Dn, ignoreCase: true);
        // The stuck connection was closed once it returned, not reused: the read came on a new one.
        Assert.True(forwarder.Accepted > accepted, "the read after the stall reused the stuck connection");
    }

    [Fact]
    public async Task A_call_abandoned_after_its_timeout_is_reported_until_it_really_ends_and_a_wedged_pool_gets_fresh_slots_once()
    {
        var target = new Uri(_bed.Stack.Get("STACK_LDAP_URL"));
        await using var forwarder = new TcpForwarder(target.Host, target.Port);
        forwarder.Start();
        var store = _bed.Store(o =>
        {
            o.Url = $"ldap://127.0.0.1:{forwarder.Port}";
            o.MaxConnections = 1;
            o.OperationTimeout = TimeSpan.FromSeconds(1);
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        });
        await EventuallyAsync(async () => { await store.CheckAsync(); return true; });
        var serial = CertificateSerial.Parse("6699");

        forwarder.Paused = true;
        var abandoned = await Assert.ThrowsAsync<DirectoryException>(() => store.ReadRevocationTokenAsync(serial));
        // The caller learns the call runs on (it could still land a modify): it keeps the target until then.
        Assert.NotNull(abandoned.StillRunning);
        Assert.False(abandoned.StillRunning.IsCompleted);
        Assert.Equal(1, store.AbandonedCalls);
        Assert.Equal(2, store.AbandonedLimit);

        // Its only slot is stuck: later calls get a fresh set once, so they dial instead of waiting
        // for libldap (which may take hours); this dial hangs too while the server is silent.
        var accepted = forwarder.Accepted;
        var next = await Assert.ThrowsAsync<DirectoryException>(() => store.ReadRevocationTokenAsync(serial));
        Assert.Contains("did not finish", next.Message, StringComparison.Ordinal);
        Assert.True(forwarder.Accepted > accepted, "the wedged pool did not give the next call a fresh slot");

        forwarder.Paused = false;
        await abandoned.StillRunning.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, store.AbandonedCalls);
        var read = await EventuallyAsync(() => store.ReadRevocationTokenAsync(serial));
        Assert.Equal($"cn=6699,{_bed.RepositoryBase}", read.Dn, ignoreCase: true);
    }

    /// <summary>Retries a call that may meet Unavailable while a recovery is still under way.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> call)
    {
        const int tries = 10;
        for (var i = 1; ; i++)
        {
            try
            {
                return await call();
            }
            catch (DirectoryException e) when (e.Kind == DirectoryFailure.Unavailable && i < tries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    private async Task WriteAndReadBack(IDirectoryStore store)
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid);
        var token = DirectoryTestBed.NewToken();
        await store.StoreEnrollmentTokenAsync(uid, token);
        Assert.Equal([token], _bed.Values(dn, "shrTok"));
        Assert.Equal(token, (await store.ReadEnrollmentTokenAsync(uid)).Token);
    }
}
