using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Lifecycle;
using SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

namespace SharedSecretWorker.Tests.Unit.Lifecycle;

public sealed class TokenCensusTests
{
    private static readonly string Sha = new('a', 64);

    private static OutstandingToken Token(RequestKind kind, DateTimeOffset issued, DateTimeOffset? notAfter, bool recorded = true) =>
        new(kind, "uid=x,ou=people,dc=example,dc=com", kind == RequestKind.Enrollment ? "x" : null, kind == RequestKind.Revocation ? "7" : null, Sha,
            recorded ? new TokenMetadata(Sha, issued, notAfter, "r-1", null, null) : null, issued);

    [Fact]
    public async Task A_count_splits_tokens_by_kind_and_finds_the_overdue_and_the_unrecorded()
    {
        var time = new ManualTime();
        var now = time.GetUtcNow();
        var reader = new FakeOutstandingTokens();
        reader.Tokens.AddRange(
        [
            Token(RequestKind.Enrollment, now.AddDays(-1), now.AddDays(6)),
            Token(RequestKind.Enrollment, now.AddDays(-8), now.AddDays(-1)),
            Token(RequestKind.Enrollment, now.AddDays(-30), null, recorded: false),
            Token(RequestKind.Enrollment, now.AddDays(-2), null),
            Token(RequestKind.Revocation, now.AddSeconds(-40), now.AddSeconds(-10)),
        ]);
        var census = new TokenCensus(reader, Options.Create(new LifecycleOptions()), time, NullLogger<TokenCensus>.Instance);

        var counts = await census.CountAsync(CancellationToken.None);

        Assert.Equal(4, counts.Enrollment);
        Assert.Equal(1, counts.Revocation);
        Assert.Equal(1, counts.EnrollmentOverdue);
        Assert.Equal(1, counts.RevocationOverdue);
        Assert.Equal(1, counts.EnrollmentUnrecorded);
        Assert.Equal(0, counts.RevocationUnrecorded);
        Assert.Equal(now, counts.TakenAt);
    }

    [Fact]
    public async Task A_token_turns_overdue_at_its_expiry()
    {
        var time = new ManualTime();
        var reader = new FakeOutstandingTokens();
        reader.Tokens.Add(Token(RequestKind.Enrollment, time.GetUtcNow(), time.GetUtcNow().AddSeconds(30)));
        var census = new TokenCensus(reader, Options.Create(new LifecycleOptions()), time, NullLogger<TokenCensus>.Instance);

        Assert.Equal(0, (await census.CountAsync(CancellationToken.None)).EnrollmentOverdue);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, (await census.CountAsync(CancellationToken.None)).EnrollmentOverdue);
    }

    [Fact]
    public async Task A_failing_directory_is_logged_once_per_streak_and_the_census_goes_on()
    {
        var reader = new FakeOutstandingTokens { Failure = new DirectoryException(DirectoryFailure.Unavailable, "the directory is down.") };
        var logger = new LogLines<TokenCensus>();
        var census = new TokenCensus(reader, Options.Create(new LifecycleOptions { CensusInterval = TimeSpan.FromMilliseconds(20) }), TimeProvider.System, logger);

        await census.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (reader.Reads < 3 && DateTime.UtcNow < deadline) await Task.Delay(10);
        await census.StopAsync(CancellationToken.None);

        Assert.True(reader.Reads >= 3, $"read {reader.Reads} times");
        Assert.Single(logger.Of(SharedSecretWorker.Telemetry.LogEvents.TokenCensusFailed));
        Assert.Contains("Counting the outstanding tokens failed: the directory is down.", logger.Of(SharedSecretWorker.Telemetry.LogEvents.TokenCensusFailed).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_interval_counts_nothing_and_a_stopped_watcher_does_not_stop_the_count()
    {
        var off = new FakeOutstandingTokens();
        var census = new TokenCensus(off, Options.Create(new LifecycleOptions { CensusInterval = TimeSpan.Zero }), TimeProvider.System, NullLogger<TokenCensus>.Instance);
        await census.StartAsync(CancellationToken.None);
        await Task.Delay(50);
        await census.StopAsync(CancellationToken.None);
        Assert.Equal(0, off.Reads);

        var on = new FakeOutstandingTokens();
        census = new TokenCensus(on, Options.Create(new LifecycleOptions { Enabled = false }), TimeProvider.System, NullLogger<TokenCensus>.Instance);
        await census.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (on.Reads == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        await census.StopAsync(CancellationToken.None);
        Assert.Equal(1, on.Reads);
    }
}
