using System.Collections.Concurrent;
using System.Text;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>The session pool under load and after the HSM invalidates every session (real SoftHSM2 token).</summary>
[Collection(HsmCollection.Name)]
public sealed class Pkcs11SessionPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Many_threads_share_at_most_max_sessions_and_every_token_decrypts(int maxSessions)
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, maxSessions);
        await encryptor.ProbeAsync(CancellationToken.None);
        using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);
        var tokens = new ConcurrentBag<(string Passphrase, string Token)>();

        // 32 threads at once, far more than sessions: the pool bounds parallelism, nothing fails.
        await Parallel.ForAsync(0, 256, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var passphrase = $"pass-{i:D4}-{maxSessions}";
            tokens.Add((passphrase, await encryptor.EncryptAsync(Encoding.ASCII.GetBytes(passphrase), ct)));
        });

        Assert.Equal(256, tokens.Count);
        Assert.All(tokens, t => Assert.Equal(t.Passphrase, decryptor.DecryptToString(t.Token)));
        Assert.InRange(encryptor.Pool.PeakOpenSessions, 1, maxSessions);
        Assert.Equal(1, encryptor.Pool.Generation);
    }

    [Fact]
    public async Task Shutdown_finalizes_the_module_only_after_the_calls_inside_it_return()
    {
        var options = StackHsm.Options(maxSessions: 2);
        options.SessionWaitTimeout = TimeSpan.FromSeconds(10);
        var encryptor = new SharedSecretWorker.Tokens.Pkcs11.Pkcs11TokenEncryptor(options, KeyWrap.Pkcs1,
            IssuanceProtectionKey.FromFile(StackHsm.CertificateFile, "test"), new RecordingLogger());
        await encryptor.ProbeAsync(CancellationToken.None);
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // A job abandoned at shutdown, still inside the module: its session must stay valid.
        var call = Task.Run(() => encryptor.Pool.RunAsync((session, _) =>
        {
            inside.Set();
            release.Wait();
            return session.GenerateRandom(16).Length;
        }, "a slow call", CancellationToken.None).AsTask());
        Assert.True(inside.Wait(TimeSpan.FromSeconds(10)));

        var shutdown = Task.Run(() => encryptor.DisposeAsync().AsTask());
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(shutdown.IsCompleted, "C_Finalize ran while a call was inside the module");

        release.Set();
        Assert.Equal(16, await call.WaitAsync(TimeSpan.FromSeconds(10)));
        await shutdown.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Recycling_the_module_every_few_operations_under_load_fails_no_call()
    {
        const int every = 40;
        const int tokens = 400;
        var options = StackHsm.Options(maxSessions: 4);
        options.ReinitializeAfterOperations = every;
        var logger = new RecordingLogger();
        await using var encryptor = new SharedSecretWorker.Tokens.Pkcs11.Pkcs11TokenEncryptor(options, KeyWrap.Pkcs1,
            IssuanceProtectionKey.FromFile(StackHsm.CertificateFile, "test"), logger);
        using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);
        var made = new ConcurrentBag<(string Passphrase, string Token)>();

        await Parallel.ForAsync(0, tokens, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var passphrase = $"recycle-{i:D4}";
            made.Add((passphrase, await encryptor.EncryptAsync(Encoding.ASCII.GetBytes(passphrase), ct)));
        });

        Assert.Equal(tokens, made.Count);
        Assert.All(made, t => Assert.Equal(t.Passphrase, decryptor.DecryptToString(t.Token)));
        // Each recycle is a new connection (login, key lookup); a recycle is skipped only while
        // another is under way, so most of the tokens / every planned ones happen.
        Assert.True(encryptor.Pool.Generation >= tokens / every / 2, $"generation {encryptor.Pool.Generation}\n" + string.Join("\n", logger.Entries.Select(e => e.Message)));
        Assert.Contains(logger.Entries, e => e.Message.Contains("Hsm:ReinitializeAfterOperations", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_call_waiting_longer_than_the_session_wait_timeout_fails_as_transient()
    {
        var options = StackHsm.Options(maxSessions: 1);
        options.SessionWaitTimeout = TimeSpan.FromMilliseconds(200);
        await using var encryptor = new SharedSecretWorker.Tokens.Pkcs11.Pkcs11TokenEncryptor(options, KeyWrap.Pkcs1,
            IssuanceProtectionKey.FromFile(StackHsm.CertificateFile, "test"), new RecordingLogger());
        await encryptor.ProbeAsync(CancellationToken.None);
        using var release = new ManualResetEventSlim();
        using var held = new ManualResetEventSlim();

        // RunAsync runs the (blocking) PKCS#11 work inline; hold the only session from another thread.
        var holder = Task.Run(async () => await encryptor.Pool.RunAsync((_, _) => { held.Set(); return release.Wait(TimeSpan.FromSeconds(30)); }, "hold", CancellationToken.None));
        Assert.True(held.Wait(TimeSpan.FromSeconds(10)));
        var e = await Assert.ThrowsAsync<HsmUnavailableException>(async () => await encryptor.EncryptAsync("x"u8.ToArray(), CancellationToken.None));
        release.Set();
        await holder;

        Assert.Contains("Hsm:MaxSessions=1", e.Message, StringComparison.Ordinal);
        Assert.NotEmpty(await encryptor.EncryptAsync("x"u8.ToArray(), CancellationToken.None));
    }

    [Theory]
    [InlineData(KeyWrap.Pkcs1, false)]
    [InlineData(KeyWrap.Oaep, true)]
    public async Task After_every_session_is_invalidated_the_next_call_works_after_at_most_one_transient_failure(KeyWrap keyWrap, bool allowSoftwareKeyWrap)
    {
        var logger = new RecordingLogger();
        await using var encryptor = StackHsm.Encryptor(keyWrap, maxSessions: 4, allowSoftwareKeyWrap: allowSoftwareKeyWrap, logger: logger);
        using var decryptor = StackHsm.Decryptor(keyWrap);
        // Fill the pool: four idle sessions whose handles will all go stale.
        await Parallel.ForAsync(0, 16, async (i, ct) => await encryptor.EncryptAsync("warm"u8.ToArray(), ct));
        Assert.Equal(1, encryptor.Pool.Generation);

        // C_CloseAllSessions: the anchor, the login, the imported key and every pooled handle are gone.
        encryptor.Pool.CloseAllSessionsOnSlot();

        var failures = 0;
        string? token = null;
        for (var attempt = 0; attempt < 3 && token is null; attempt++)
        {
            try
            {
                token = await encryptor.EncryptAsync("after-reset"u8.ToArray(), CancellationToken.None);
            }
            catch (HsmUnavailableException e)
            {
                failures++;
                Assert.DoesNotContain("after-reset", e.Message, StringComparison.Ordinal);
            }
        }

        Assert.NotNull(token);
        Assert.InRange(failures, 0, 1);
        Assert.Equal("after-reset", decryptor.DecryptToString(token));
        Assert.Equal(2, encryptor.Pool.Generation);
        Assert.Contains(logger.Entries, e => e.Message.Contains("lost", StringComparison.Ordinal));
        // And it keeps working under load on the new connection.
        await Parallel.ForAsync(0, 32, async (i, ct) => Assert.Equal("again", decryptor.DecryptToString(await encryptor.EncryptAsync("again"u8.ToArray(), ct))));
        Assert.Equal(2, encryptor.Pool.Generation);
    }

    [Fact]
    public async Task Sessions_invalidated_under_concurrent_load_recover_without_permanent_errors()
    {
        var logger = new RecordingLogger();
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, maxSessions: 4, logger: logger);
        using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);
        await encryptor.ProbeAsync(CancellationToken.None);
        var transient = 0;
        var succeeded = 0;
        using var stop = new CancellationTokenSource();

        var load = Parallel.ForAsync(0, 16, async (i, _) =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var token = await encryptor.EncryptAsync("load"u8.ToArray(), CancellationToken.None);
                    Assert.Equal("load", decryptor.DecryptToString(token));
                    Interlocked.Increment(ref succeeded);
                }
                catch (HsmUnavailableException)
                {
                    Interlocked.Increment(ref transient);
                }
            }
        });
        for (var reset = 0; reset < 3; reset++)
        {
            await Task.Delay(300);
            encryptor.Pool.CloseAllSessionsOnSlot();
        }
        await Task.Delay(300);
        stop.Cancel();
        await load;

        // Only HsmUnavailableException escaped (anything else would have faulted the loop).
        Assert.True(succeeded > 0);
        // Each reset costs one reconnect, or two when SoftHSM2's logout of C_CloseAllSessions lands
        // after the new anchor logged in (C_Login said CKR_USER_ALREADY_LOGGED_IN): then the next
        // call sees CKR_USER_NOT_LOGGED_IN and the pool logs in once more.
        Assert.True(encryptor.Pool.Generation is >= 2 and <= 7, string.Join("\n", logger.Entries.Select(e => e.Message)));
        Assert.Equal("final", decryptor.DecryptToString(await encryptor.EncryptAsync("final"u8.ToArray(), CancellationToken.None)));
    }

    [Fact]
    public async Task Probe_after_start_up_is_a_live_check_that_recovers_after_sessions_are_invalidated()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, maxSessions: 2);
        await encryptor.ProbeAsync(CancellationToken.None);
        var before = encryptor.Pool.Operations;
        await encryptor.ProbeAsync(CancellationToken.None);
        // A cached "healthy" would not touch the HSM; the daemon's circuit breaker relies on this.
        Assert.Equal(before + 1, encryptor.Pool.Operations);

        encryptor.Pool.CloseAllSessionsOnSlot();
        var failures = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await encryptor.ProbeAsync(CancellationToken.None);
                break;
            }
            catch (HsmUnavailableException)
            {
                failures++;
            }
        }
        Assert.InRange(failures, 0, 1);
        await encryptor.ProbeAsync(CancellationToken.None);
        Assert.True(encryptor.Pool.Generation >= 2);
    }

    [Fact]
    public async Task A_lost_wrapping_key_is_imported_again_after_one_transient_failure()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, maxSessions: 1);
        await encryptor.ProbeAsync(CancellationToken.None);
        await encryptor.Pool.RunAsync((session, connection) => { session.DestroyObject(connection.WrappingKey); return 0; }, "test", CancellationToken.None);

        await Assert.ThrowsAsync<HsmUnavailableException>(async () => await encryptor.EncryptAsync("x"u8.ToArray(), CancellationToken.None));
        var token = await encryptor.EncryptAsync("re-imported"u8.ToArray(), CancellationToken.None);

        using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);
        Assert.Equal("re-imported", decryptor.DecryptToString(token));
        Assert.Equal(2, encryptor.Pool.Generation);
    }

    [Fact]
    public async Task A_module_re_initialised_elsewhere_in_the_process_is_followed_without_losing_a_call()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, maxSessions: 2);
        using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);
        Assert.Equal("one", decryptor.DecryptToString(await encryptor.EncryptAsync("one"u8.ToArray(), CancellationToken.None)));

        // C_Finalize + C_Initialize by another user of the shared module (a device reset, a fault test).
        using (var module = SharedSecretWorker.Tokens.Pkcs11.Pkcs11Module.Acquire(StackHsm.Options().Library))
            module.Reinitialize(module.Current);

        Assert.Equal("two", decryptor.DecryptToString(await encryptor.EncryptAsync("two"u8.ToArray(), CancellationToken.None)));
        Assert.Equal(2, encryptor.Pool.Generation);
        // Under load too: every call completes.
        await Parallel.ForAsync(0, 16, async (i, ct) => await encryptor.EncryptAsync("three"u8.ToArray(), ct));
    }
}
