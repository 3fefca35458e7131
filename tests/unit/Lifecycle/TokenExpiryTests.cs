using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Lifecycle;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

namespace SharedSecretWorker.Tests.Unit.Lifecycle;

/// <summary>The expiry sweep's decisions (docs/token-lifecycle.md, "A lifetime"), against the directory in memory and a manual clock.</summary>
public sealed class TokenExpiryTests
{
    private const string Token = "VE9LRU4=";
    private const string Newer = "TkVXRVI=";

    private readonly FakeLifecycleDirectory _directory = new();
    private readonly FakeTokenEvents _events = new();
    private readonly ManualTime _time = new();
    private readonly LogLines<TokenExpiry> _log = new();

    private TokenExpiry Sweeper(FakeTokenEvents? events = null) => new(_directory, events ?? _events,
        Options.Create(new LifecycleOptions { CertificateBase = FakeLifecycleDirectory.CertificateBase }), _time, _log);

    private static string Dn(string uid) => FakeLifecycleDirectory.UserDn(uid);

    private TokenMetadata Metadata(string token, TimeSpan lifetime, string requestId = "req-1", string? batchId = null)
    {
        var issued = TokenMetadata.ToSeconds(_time.GetUtcNow());
        return new TokenMetadata(TokenDigest.Sha256Hex(token), issued, issued + lifetime, requestId, batchId, null);
    }

    /// <summary>As the worker writes it: the token, its line and its notAfter, in one go.</summary>
    private void Holds(string uid, string token, TokenMetadata metadata) =>
        _directory.Put(new TokenHolder(Dn(uid), uid, token, _time.GetUtcNow())
        {
            InfoValue = metadata.Format(),
            NotAfterValue = metadata.NotAfter is { } notAfter ? TokenMetadata.FormatTime(notAfter) : null,
        });

    [Fact]
    public async Task An_unused_token_past_its_lifetime_is_removed_with_its_metadata_and_reported_once()
    {
        var metadata = Metadata(Token, TimeSpan.FromSeconds(30), "req-7", "batch-1");
        Holds("jdoe", Token, metadata);
        var sweeper = Sweeper();

        Assert.Equal(new ExpirySweepResult(0, 0, 0, 0), await sweeper.SweepAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, (await sweeper.SweepAsync(CancellationToken.None)).Removed);
        Assert.NotNull(_directory.Entry(Dn("jdoe"))!.Token);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new ExpirySweepResult(1, 1, 0, 0), await sweeper.SweepAsync(CancellationToken.None));

        var entry = _directory.Entry(Dn("jdoe"))!;
        Assert.Null(entry.Token);
        Assert.Null(entry.InfoValue);
        Assert.Null(entry.NotAfterValue);
        var expired = Assert.Single(_events.Expired);
        Assert.Equal(TokenExpiredEvent.Enrollment(TokenDigest.Sha256Hex(Token), Dn("jdoe"), "jdoe", "req-7", "batch-1", metadata.IssuedAt,
            metadata.NotAfter!.Value, _time.GetUtcNow()), expired);
        Assert.Equal("enrollment.expired", expired.RoutingKey());
        Assert.Equal($"enrollment.expired:{TokenDigest.Sha256Hex(Token)}", expired.MessageId());
        Assert.Single(_log.Of(LogEvents.TokenExpired));

        Assert.Equal(new ExpirySweepResult(0, 0, 0, 0), await sweeper.SweepAsync(CancellationToken.None));
        Assert.Single(_events.Expired);
    }

    [Fact]
    public async Task A_token_rewritten_between_the_search_and_the_delete_stays_and_nothing_is_reported()
    {
        Holds("jdoe", Token, Metadata(Token, TimeSpan.FromSeconds(10)));
        _time.Advance(TimeSpan.FromSeconds(10));
        // A re-enrollment lands after the sweep read the entry: the exact-value delete names the old values.
        _directory.BeforeDelete = _ => Holds("jdoe", Newer, Metadata(Newer, TimeSpan.FromDays(7)));

        var result = await Sweeper().SweepAsync(CancellationToken.None);

        Assert.Equal(new ExpirySweepResult(1, 0, 1, 0), result);
        Assert.Equal(Newer, _directory.Entry(Dn("jdoe"))!.Token);
        Assert.Empty(_events.Expired);
        Assert.Single(_log.Of(LogEvents.ExpiredAlreadyRemoved));
    }

    [Fact]
    public async Task Two_workers_sweeping_the_same_token_remove_and_report_it_once()
    {
        for (var i = 0; i < 5; i++) Holds($"user{i}", Token + i, Metadata(Token + i, TimeSpan.FromSeconds(5), $"req-{i}"));
        _time.Advance(TimeSpan.FromSeconds(6));
        var otherEvents = new FakeTokenEvents();

        var results = await Task.WhenAll(Sweeper().SweepAsync(CancellationToken.None), Sweeper(otherEvents).SweepAsync(CancellationToken.None));

        Assert.Equal(5, results.Sum(r => r.Removed));
        Assert.Equal(5, _events.Expired.Count + otherEvents.Expired.Count);
        Assert.Equal(5, _events.Expired.Concat(otherEvents.Expired).Select(e => e.TokenSha256).Distinct().Count());
    }

    [Fact]
    public async Task A_token_whose_line_belongs_to_another_token_is_left_alone_and_logged_once()
    {
        // Someone wrote shrTok by hand beside the worker's old line: not the worker's token to expire.
        var stale = Metadata(Token, TimeSpan.FromSeconds(1));
        _directory.Put(new TokenHolder(Dn("jdoe"), "jdoe", Newer, _time.GetUtcNow())
        {
            InfoValue = stale.Format(),
            NotAfterValue = TokenMetadata.FormatTime(stale.NotAfter!.Value),
        });
        _time.Advance(TimeSpan.FromSeconds(2));
        var sweeper = Sweeper();

        Assert.Equal(new ExpirySweepResult(0, 0, 0, 1), await sweeper.SweepAsync(CancellationToken.None));
        await sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(Newer, _directory.Entry(Dn("jdoe"))!.Token);
        Assert.Empty(_events.Expired);
        Assert.Single(_log.Of(LogEvents.ExpiryInfoMismatch));
    }

    [Fact]
    public async Task An_expired_revocation_token_is_removed_with_its_line_and_every_other_metaInfo_value_stays()
    {
        var record = FakeLifecycleDirectory.RecordDn("6699");
        var metadata = Metadata(Token, TimeSpan.FromSeconds(30), "rev-1");
        _directory.PutRevocationTokens(record, "revShrTok:" + Token);
        _directory.PutRevocationInfo(record, metadata.FormatMetaInfo());
        var later = FakeLifecycleDirectory.RecordDn("7000");
        _directory.PutRevocationTokens(later, "revShrTok:" + Newer);
        _directory.PutRevocationInfo(later, Metadata(Newer, TimeSpan.FromDays(1)).FormatMetaInfo());
        _time.Advance(TimeSpan.FromSeconds(31));

        var result = await Sweeper().SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.Removed);
        Assert.Empty(_directory.RevocationTokens(record));
        Assert.Empty(_directory.RevocationInfo(record));
        Assert.Single(_directory.RevocationTokens(later));
        var expired = Assert.Single(_events.Expired);
        Assert.Equal(("revocation.expired", "6699", "rev-1", record), (expired.RoutingKey(), expired.Serial, expired.RequestId, expired.Dn));
    }

    [Fact]
    public async Task A_directory_failure_ends_the_sweep_and_a_refusal_is_an_error_naming_the_attributes()
    {
        _directory.FailNext(new DirectoryException(DirectoryFailure.Forbidden, "insufficient access (test)", FakeLifecycleDirectory.PeopleBase, 50));
        await Sweeper().SweepAsync(CancellationToken.None);
        var line = Assert.Single(_log.Of(LogEvents.ExpirySweepForbidden));
        Assert.Contains("shrTokNotAfter", line, StringComparison.Ordinal);

        _directory.FailNext(new DirectoryException(DirectoryFailure.Unavailable, "server down (test)", null, 81));
        await Assert.ThrowsAsync<DirectoryException>(() => Sweeper().SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_refusal_is_logged_once_until_a_sweep_gets_through_again()
    {
        var sweeper = Sweeper();
        for (var i = 0; i < 3; i++)
        {
            _directory.FailNext(new DirectoryException(DirectoryFailure.Forbidden, "insufficient access (test)", FakeLifecycleDirectory.PeopleBase, 50));
            await sweeper.SweepAsync(CancellationToken.None);
        }
        Assert.Single(_log.Of(LogEvents.ExpirySweepForbidden));

        await sweeper.SweepAsync(CancellationToken.None);
        _directory.FailNext(new DirectoryException(DirectoryFailure.Forbidden, "insufficient access again (test)", FakeLifecycleDirectory.PeopleBase, 50));
        await sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(2, _log.Of(LogEvents.ExpirySweepForbidden).Count());
    }

    [Theory]
    [InlineData(0.0, 9)]
    [InlineData(0.5, 10)]
    [InlineData(0.999999, 11)]
    public void The_interval_has_up_to_ten_percent_of_jitter(double random, double seconds) =>
        Assert.Equal(seconds, Math.Round(TokenExpiry.NextDelay(TimeSpan.FromSeconds(10), random).TotalSeconds, 3));
}
