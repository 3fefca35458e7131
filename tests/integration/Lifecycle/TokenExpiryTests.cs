using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Lifecycle;

/// <summary>
/// "A lifetime" on the real stack (docs/token-lifecycle.md): workers with the lifecycle on write tokens
/// with short lifetimes; the expiry sweep removes each unused token after its lifetime by its exact
/// values and publishes <c>KIND.expired</c> once, while used tokens go the watcher's way and rewritten
/// ones stay. Sweeps run every 2 to 3 s here (the default is 10 s).
/// </summary>
[Collection(TokenLifecycleCollection.Name)]
public sealed class TokenExpiryTests : IAsyncLifetime
{
    /// <summary>How soon a live watcher removes a used token (the issue's bound).</summary>
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan NextSecond = TimeSpan.FromMilliseconds(1100);

    private readonly StackEnvironment _stack = StackEnvironment.Load();
    private readonly DirectoryProbe _directory = new();
    private readonly List<IAsyncDisposable> _peers = [];
    private WorkerUnderTest _worker = null!;

    // With its audit stream: the issue asks that shrtok audit show every issue, consumption and expiry, once.
    public async Task InitializeAsync() => _worker = await WorkerUnderTest.StartAsync(LifecycleSettings("00:00:03"), auditStream: true);


    /// <summary><c>shrtok audit</c>'s table (the built binary, as an operator runs it) for this worker's stream.</summary>
    private async Task<string[]> AuditRowsAsync()
    {
        var environment = new Dictionary<string, string>(_stack.WorkerEnvironment()) { ["Topology__AuditStream"] = _worker.AuditStream };
        var run = await SharedSecretWorker.Tests.Shared.ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "audit"], environment: environment);
        Assert.True(run.ExitCode == 0, run.Error);
        return run.OutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>How many audit rows of <paramref name="action"/> name the token <paramref name="sha256"/> (the table shows 12 hex digits).</summary>
    private static int Count(string[] rows, string action, string sha256) =>
        rows.Count(r => r.Contains(" " + action + " ", StringComparison.Ordinal) && r.Contains(sha256[..12], StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        foreach (var peer in _peers) await peer.DisposeAsync();
        await _worker.DisposeAsync();
        _directory.Dispose();
    }

    private Dictionary<string, string?> LifecycleSettings(string sweepInterval) => new()
    {
        ["Lifecycle:Enabled"] = "true",
        ["Lifecycle:CheckpointEntry"] = _stack.LifecycleCheckpointEntry,
        ["Lifecycle:CheckpointInterval"] = "00:00:01",
        ["Lifecycle:FirstCatchUp"] = "01:00:00",
        ["Lifecycle:ReconnectDelay"] = "00:00:01",
        ["Lifecycle:ExpirySweepInterval"] = sweepInterval,
    };

    private async Task<(string Uid, ResultMessage Stored)> EnrolledAsync(int? lifetimeSeconds, string? uid = null)
    {
        uid ??= _directory.CreatePerson();
        var id = "t-" + Guid.NewGuid().ToString("N");
        var lifetime = lifetimeSeconds is { } s ? $",\"lifetimeSeconds\":{s}" : "";
        await _worker.PublishAsync("enrollment",
            $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{id}\",\"uid\":\"{uid}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"{uid}@example.com\"}}{lifetime}}}");
        var result = await _worker.ResultAsync(id);
        Assert.Equal(ResultStatus.Stored, result.Status);
        return (uid, result);
    }

    private static async Task EventuallyAsync(Func<bool> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what} did not happen within {within.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Of_twenty_users_the_ten_who_got_a_certificate_are_consumed_and_the_other_ten_expire_each_reported_once()
    {
        var users = new List<(string Uid, ResultMessage Stored)>();
        for (var i = 0; i < 20; i++) users.Add(await EnrolledAsync(30));
        foreach (var (uid, stored) in users)
        {
            Assert.NotNull(stored.ExpiresAt);
            Assert.Single(_directory.PersonAttribute(uid, TokenMetadata.EnrollmentNotAfterAttribute));
            Assert.Single(_worker.NoticesOf(stored.RequestId!), n => n.ExpiresAt == stored.ExpiresAt);
        }
        await Task.Delay(NextSecond);
        var certified = users.Take(10).ToList();
        var unused = users.Skip(10).ToList();

        foreach (var (uid, _) in certified) _directory.IssueCertificate(_directory.PersonDn(uid));
        foreach (var (uid, stored) in certified)
        {
            await EventuallyAsync(() => _directory.EnrollmentTokens(uid).Count == 0, Live, $"removing the used shrTok of {uid}");
            var (consumed, _) = await _worker.ConsumedAsync(e => e.TokenSha256 == stored.TokenSha256, Live);
            Assert.Equal(stored.RequestId, consumed.RequestId);
            Assert.Empty(_directory.PersonAttribute(uid, TokenMetadata.EnrollmentAttribute));
            Assert.Empty(_directory.PersonAttribute(uid, TokenMetadata.EnrollmentNotAfterAttribute));
        }
        foreach (var (uid, _) in unused) Assert.Single(_directory.EnrollmentTokens(uid));

        var latest = unused.Max(u => u.Stored.ExpiresAt!.Value);
        var started = DateTimeOffset.UtcNow;
        foreach (var (uid, stored) in unused)
        {
            var (expired, properties) = await _worker.ExpiredAsync(e => e.TokenSha256 == stored.TokenSha256, latest - started + TimeSpan.FromSeconds(10));
            Assert.Equal((RequestKind.Enrollment, stored.Dn, uid, stored.RequestId), (expired.Kind, expired.Dn, expired.Uid, expired.RequestId));
            Assert.Equal(stored.ExpiresAt, expired.NotAfter);
            Assert.True(expired.ExpiredAt >= expired.NotAfter, "removed after its expiry");
            Assert.Equal($"enrollment.expired:{stored.TokenSha256}", properties.MessageId);
            Assert.Equal(_stack.Get("STACK_RABBITMQ_WORKER_USER"), properties.UserId);
            Assert.Empty(_directory.EnrollmentTokens(uid));
            Assert.Empty(_directory.PersonAttribute(uid, TokenMetadata.EnrollmentAttribute));
        }

        // Two more sweeps: nothing is reported twice, and no used token is reported expired.
        await Task.Delay(TimeSpan.FromSeconds(7));
        foreach (var (_, stored) in unused) Assert.Single(_worker.ExpiredEvents, e => e.TokenSha256 == stored.TokenSha256);
        foreach (var (_, stored) in certified)
        {
            Assert.Single(_worker.ConsumedEvents, e => e.TokenSha256 == stored.TokenSha256);
            Assert.DoesNotContain(_worker.ExpiredEvents, e => e.TokenSha256 == stored.TokenSha256);
        }

        // shrtok audit shows each token's life once: issued, then consumed or expired, never both.
        var rows = await AuditRowsAsync();
        foreach (var (uid, stored) in users)
        {
            var sha = stored.TokenSha256!;
            Assert.True(Count(rows, "create/issue", sha) == 1, $"{uid}: issue records\n{string.Join('\n', rows)}");
            var used = certified.Any(c => c.Uid == uid);
            Assert.Equal(used ? 1 : 0, Count(rows, "delete/consume", sha));
            Assert.Equal(used ? 0 : 1, Count(rows, "delete/expire", sha));
        }
    }

    [Fact]
    public async Task A_token_rewritten_just_before_its_expiry_is_not_removed()
    {
        var (uid, first) = await EnrolledAsync(6);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var (_, second) = await EnrolledAsync(null, uid);

        await Task.Delay(first.ExpiresAt!.Value - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(8));

        Assert.Single(_directory.EnrollmentTokens(uid));
        Assert.Equal(second.TokenSha256, TokenDigest.Sha256Hex(_directory.EnrollmentTokens(uid)[0]));
        Assert.DoesNotContain(_worker.ExpiredEvents, e => e.TokenSha256 == first.TokenSha256 || e.TokenSha256 == second.TokenSha256);
    }

    [Fact]
    public async Task A_revocation_token_expires_and_every_other_metaInfo_value_stays()
    {
        var serial = _directory.IssueCertificate(null, "caFullCMCUserCert");
        _directory.AddMetaInfo(serial, "note:kept by the sweep");
        var id = "t-" + Guid.NewGuid().ToString("N");
        await _worker.PublishAsync("revocation",
            $"{{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{id}\",\"serial\":\"{serial}\",\"delivery\":{{\"channel\":\"sms\",\"address\":\"+15550100\"}},\"lifetimeSeconds\":5}}");
        var stored = await _worker.ResultAsync(id);
        Assert.Equal(ResultStatus.Stored, stored.Status);
        Assert.Single(_directory.MetaInfo(serial), v => v.StartsWith("revShrTokInfo:", StringComparison.Ordinal));

        var (expired, _) = await _worker.ExpiredAsync(e => e.TokenSha256 == stored.TokenSha256, TimeSpan.FromSeconds(15));

        Assert.Equal((RequestKind.Revocation, serial, id, (string?)null), (expired.Kind, expired.Serial, expired.RequestId, expired.Uid));
        Assert.Equal([$"requestId:{serial}", "profileId:caFullCMCUserCert", "note:kept by the sweep"], _directory.MetaInfo(serial));
    }

    [Fact]
    public async Task With_two_workers_each_expired_token_is_removed_once_and_reported_once()
    {
        _peers.Add(await _worker.StartPeerAsync($"{_worker.Prefix}.second", LifecycleSettings("00:00:02")));
        var users = new List<(string Uid, ResultMessage Stored)>();
        for (var i = 0; i < 10; i++) users.Add(await EnrolledAsync(5));

        foreach (var (uid, stored) in users)
        {
            await _worker.ExpiredAsync(e => e.TokenSha256 == stored.TokenSha256, TimeSpan.FromSeconds(20));
            Assert.Empty(_directory.EnrollmentTokens(uid));
        }
        await Task.Delay(TimeSpan.FromSeconds(5));
        foreach (var (_, stored) in users) Assert.Single(_worker.ExpiredEvents, e => e.TokenSha256 == stored.TokenSha256);
        // Both workers publish to the one results exchange, and so to the one audit stream: each expiry is audited once.
        var rows = await AuditRowsAsync();
        foreach (var (uid, stored) in users) Assert.True(Count(rows, "delete/expire", stored.TokenSha256!) == 1, $"{uid}\n{string.Join('\n', rows)}");
    }
}
