using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Lifecycle;

/// <summary>
/// "Used once" on the real stack (docs/token-lifecycle.md): a worker enrolls users and writes
/// revocation tokens; the test adds and revokes certificate records the way the CA does; watchers
/// (workers with <c>Lifecycle:Enabled</c>, started beside it on the same topology so that they can be
/// stopped on their own) remove each used token by its exact value and publish <c>KIND.consumed</c>.
/// </summary>
[Collection(TokenLifecycleCollection.Name)]
public sealed class TokenLifecycleTests : IAsyncLifetime
{
    /// <summary>How soon a live watcher removes a used token (the issue's bound).</summary>
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(5);

    /// <summary>How soon a watcher that starts has caught up (start-up, catch-up search, handling).</summary>
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The directory's timestamps have whole seconds: a token written in the second a record is
    /// created cannot be told before or after it and stays. Real enrollments are seconds apart at least.
    /// </summary>
    private static readonly TimeSpan NextSecond = TimeSpan.FromMilliseconds(1100);

    private readonly StackEnvironment _stack = StackEnvironment.Load();
    private readonly DirectoryProbe _directory = new();
    private readonly List<IAsyncDisposable> _watchers = [];
    private WorkerUnderTest _worker = null!;

    public async Task InitializeAsync() => _worker = await WorkerUnderTest.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var watcher in _watchers) await watcher.DisposeAsync();
        await _worker.DisposeAsync();
        _directory.Dispose();
    }

    private Dictionary<string, string?> WatcherSettings() => new()
    {
        ["Lifecycle:Enabled"] = "true",
        ["Lifecycle:CheckpointEntry"] = _stack.LifecycleCheckpointEntry,
        ["Lifecycle:CheckpointInterval"] = "00:00:01",
        ["Lifecycle:FirstCatchUp"] = "01:00:00",
        ["Lifecycle:ReconnectDelay"] = "00:00:01",
    };

    private async Task<IAsyncDisposable> StartWatcherAsync(string name = "watcher")
    {
        var watcher = await _worker.StartPeerAsync($"{_worker.Prefix}.{name}", WatcherSettings());
        _watchers.Add(watcher);
        return watcher;
    }

    private async Task<(string Uid, ResultMessage Stored)> EnrolledUserAsync(string? uid = null)
    {
        uid ??= _directory.CreatePerson();
        var result = await _worker.ResultAsync(await _worker.EnrollAsync(uid));
        Assert.Equal(ResultStatus.Stored, result.Status);
        Assert.Single(_directory.EnrollmentTokens(uid));
        return (uid, result);
    }

    private async Task<ResultMessage> RevocationTokenAsync(string serial)
    {
        var id = "t-" + Guid.NewGuid().ToString("N");
        await _worker.PublishAsync("revocation",
            $"{{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{id}\",\"serial\":\"{serial}\",\"delivery\":{{\"channel\":\"sms\",\"address\":\"+15550100\"}}}}");
        var result = await _worker.ResultAsync(id);
        Assert.Equal(ResultStatus.Stored, result.Status);
        Assert.Single(_directory.RevocationTokens(serial));
        return result;
    }

    private static async Task EventuallyAsync(Func<bool> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what} did not happen within {within.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }

    private string RecordDn(string serial) => $"cn={serial},{_directory.CertificateRepositoryBase}";

    [Fact]
    public async Task A_certificate_issued_to_an_enrolled_user_removes_its_token_and_reports_it_once()
    {
        await StartWatcherAsync();
        var (uid, stored) = await EnrolledUserAsync();
        await Task.Delay(NextSecond);

        var serial = _directory.IssueCertificate(_directory.PersonDn(uid));

        await EventuallyAsync(() => _directory.EnrollmentTokens(uid).Count == 0, Live, "removing the used shrTok");
        var (consumed, properties) = await _worker.ConsumedAsync(e => e.TokenSha256 == stored.TokenSha256, Live);
        Assert.Equal(RequestKind.Enrollment, consumed.Kind);
        Assert.Equal(TokenConsumedEvent.CurrentVersion, consumed.Version);
        Assert.Equal(stored.Dn, consumed.Dn);
        Assert.Equal(uid, consumed.Uid);
        Assert.Equal(serial, consumed.Serial);
        Assert.Equal(RecordDn(serial), consumed.CertificateRecordDn, ignoreCase: true);
        Assert.NotNull(consumed.RecordCreatedAt);
        Assert.Null(consumed.RevokedAt);
        Assert.InRange(consumed.ConsumedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal($"enrollment.consumed:{stored.TokenSha256}", properties.MessageId);
        Assert.Equal("enrollment.consumed", properties.Type);
        Assert.Equal(_stack.Get("STACK_RABBITMQ_WORKER_USER"), properties.UserId);

        // Enrolled again after the certificate: the new token is not the used one and stays.
        var (_, again) = await EnrolledUserAsync(uid);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(_directory.EnrollmentTokens(uid));
        Assert.DoesNotContain(_worker.ConsumedEvents, e => e.TokenSha256 == again.TokenSha256);
        Assert.Single(_worker.ConsumedEvents, e => e.TokenSha256 == stored.TokenSha256);
    }

    [Fact]
    public async Task A_user_enrolled_again_after_its_certificate_keeps_the_new_token()
    {
        // No watcher yet: the CA issues, the user is enrolled again, and only then does a watcher
        // see the record (in its catch-up), with the newer token on the entry.
        var (uid, first) = await EnrolledUserAsync();
        await Task.Delay(NextSecond);
        var serial = _directory.IssueCertificate(_directory.PersonDn(uid));
        await Task.Delay(NextSecond);
        var (_, second) = await EnrolledUserAsync(uid);
        var newer = Assert.Single(_directory.EnrollmentTokens(uid));

        // A second user whose token the same catch-up removes: proof that the catch-up has run.
        var (witness, witnessed) = await EnrolledUserAsync();
        await Task.Delay(NextSecond);
        _directory.IssueCertificate(_directory.PersonDn(witness));
        await StartWatcherAsync();
        await _worker.ConsumedAsync(e => e.TokenSha256 == witnessed.TokenSha256, CatchUp);

        Assert.Equal([newer], _directory.EnrollmentTokens(uid));
        Assert.DoesNotContain(_worker.ConsumedEvents, e => e.TokenSha256 == first.TokenSha256 || e.TokenSha256 == second.TokenSha256);
        Assert.NotEqual(first.TokenSha256, second.TokenSha256);
        Assert.NotNull(serial);
    }

    [Fact]
    public async Task A_revoked_certificate_loses_its_revShrTok_and_keeps_every_other_metaInfo()
    {
        await StartWatcherAsync();
        var serial = _directory.IssueCertificate(null, "caFullCMCUserCert");
        var stored = await RevocationTokenAsync(serial);
        _directory.AddMetaInfo(serial, "note:kept by the lifecycle");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Single(_directory.RevocationTokens(serial)); // VALID: nothing to do yet

        _directory.RevokeCertificate(serial);

        await EventuallyAsync(() => _directory.RevocationTokens(serial).Count == 0, Live, "removing the used revShrTok");
        Assert.Equal([$"requestId:{serial}", "profileId:caFullCMCUserCert", "note:kept by the lifecycle"], _directory.MetaInfo(serial));
        var (consumed, properties) = await _worker.ConsumedAsync(e => e.TokenSha256 == stored.TokenSha256, Live);
        Assert.Equal(RequestKind.Revocation, consumed.Kind);
        Assert.Equal(serial, consumed.Serial);
        Assert.Equal(RecordDn(serial), consumed.Dn, ignoreCase: true);
        Assert.Equal(consumed.Dn, consumed.CertificateRecordDn);
        Assert.NotNull(consumed.RevokedAt);
        Assert.Null(consumed.Uid);
        Assert.Equal("revocation.consumed", properties.Type);
    }

    [Fact]
    public async Task A_watcher_stopped_midway_misses_nothing_when_it_starts_again()
    {
        var watcher = await StartWatcherAsync();
        var (before, beforeStored) = await EnrolledUserAsync();
        await Task.Delay(NextSecond);
        _directory.IssueCertificate(_directory.PersonDn(before));
        await _worker.ConsumedAsync(e => e.TokenSha256 == beforeStored.TokenSha256, Live);

        // Stopped (it has written its checkpoint); meanwhile the CA issues and revokes.
        var (during, duringStored) = await EnrolledUserAsync();
        var revoked = _directory.IssueCertificate(null, "caFullCMCUserCert");
        var revocation = await RevocationTokenAsync(revoked);
        await watcher.DisposeAsync();
        await Task.Delay(NextSecond);
        _directory.IssueCertificate(_directory.PersonDn(during));
        _directory.RevokeCertificate(revoked);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(_directory.EnrollmentTokens(during));
        Assert.Single(_directory.RevocationTokens(revoked));

        await StartWatcherAsync("watcher-again");

        await EventuallyAsync(() => _directory.EnrollmentTokens(during).Count == 0 && _directory.RevocationTokens(revoked).Count == 0, CatchUp,
            "the catch-up removing both used tokens");
        await _worker.ConsumedAsync(e => e.TokenSha256 == duringStored.TokenSha256, Live);
        await _worker.ConsumedAsync(e => e.TokenSha256 == revocation.TokenSha256, Live);

        // And live again after the catch-up.
        var (after, afterStored) = await EnrolledUserAsync();
        await Task.Delay(NextSecond);
        _directory.IssueCertificate(_directory.PersonDn(after));
        await EventuallyAsync(() => _directory.EnrollmentTokens(after).Count == 0, Live, "removing the used shrTok after the restart");
        await _worker.ConsumedAsync(e => e.TokenSha256 == afterStored.TokenSha256, Live);
    }

    [Fact]
    public async Task With_two_watchers_each_used_token_is_removed_and_reported_once()
    {
        await StartWatcherAsync("watcher-1");
        await StartWatcherAsync("watcher-2");
        var users = new List<(string Uid, ResultMessage Stored)>();
        for (var i = 0; i < 5; i++) users.Add(await EnrolledUserAsync());
        await Task.Delay(NextSecond);

        foreach (var (uid, _) in users) _directory.IssueCertificate(_directory.PersonDn(uid));

        foreach (var (uid, stored) in users)
        {
            await EventuallyAsync(() => _directory.EnrollmentTokens(uid).Count == 0, Live, $"removing the shrTok of {uid}");
            await _worker.ConsumedAsync(e => e.TokenSha256 == stored.TokenSha256, Live);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var (_, stored) in users)
            Assert.Single(_worker.ConsumedEvents, e => e.TokenSha256 == stored.TokenSha256);
    }
}
