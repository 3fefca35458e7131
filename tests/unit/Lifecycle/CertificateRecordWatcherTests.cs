using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Lifecycle;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

namespace SharedSecretWorker.Tests.Unit.Lifecycle;

/// <summary>The watcher's loop with fake watches: catch-up, live changes, checkpoints, starting over (docs/token-lifecycle.md).</summary>
public sealed class CertificateRecordWatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FakeLifecycleDirectory _directory = new();
    private readonly FakeTokenEvents _events = new();
    private readonly LogLines<CertificateRecordWatcher> _log = new();
    private readonly LifecycleOptions _options = new()
    {
        CertificateBase = FakeLifecycleDirectory.CertificateBase,
        CheckpointEntry = FakeLifecycleDirectory.CheckpointEntry,
        CheckpointInterval = TimeSpan.FromMilliseconds(50),
        ReconnectDelay = TimeSpan.FromMilliseconds(10),
        ClockMargin = TimeSpan.FromMinutes(5),
    };

    private CertificateRecordWatcher Watcher()
    {
        var options = Options.Create(_options);
        var consumption = new TokenConsumption(_directory, _events, Options.Create(new DirectoryOptions { PeopleBase = FakeLifecycleDirectory.PeopleBase }),
            TimeProvider.System, new LogLines<TokenConsumption>());
        var checkpoint = new LifecycleCheckpoint(_directory, options, TimeProvider.System, new LogLines<LifecycleCheckpoint>());
        return new CertificateRecordWatcher(_directory, consumption, checkpoint, options, TimeProvider.System, _log);
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(what + " did not happen");
            await Task.Delay(10);
        }
    }

    /// <summary>jdoe holds a token written a minute ago; the record of the certificate the CA then issued.</summary>
    private CertificateRecord UserWithUsedToken(string uid, string serial)
    {
        var now = DateTimeOffset.UtcNow;
        _directory.Put(new TokenHolder(FakeLifecycleDirectory.UserDn(uid), uid, "VE9LRU4=" + uid, now.AddMinutes(-1)));
        return new CertificateRecord(FakeLifecycleDirectory.RecordDn(serial), serial, FakeLifecycleDirectory.UserDn(uid), now, now, "VALID", null, []);
    }

    private bool Removed(string uid) => _directory.Entry(FakeLifecycleDirectory.UserDn(uid))!.Token is null;

    [Fact]
    public async Task It_catches_up_then_follows_the_changes_and_moves_the_checkpoint()
    {
        var watch = new FakeWatch();
        watch.CatchUp.Add(UserWithUsedToken("missed", "1"));
        _directory.Watches.Enqueue(watch);
        using var watcher = Watcher();

        await watcher.StartAsync(CancellationToken.None);
        await EventuallyAsync(() => Removed("missed"), "the catch-up");
        watch.Send(new CertificateRecordChange(CertificateRecordChangeKind.Added, UserWithUsedToken("live", "2")));
        await EventuallyAsync(() => Removed("live"), "the live change");
        var first = _directory.Checkpoint;
        await EventuallyAsync(() => _directory.Checkpoint > first && watch.Probes > 0, "a checkpoint after a probe");
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal(2, _events.Published.Count);
        Assert.True(watch.Disposed);
        Assert.InRange(watch.CaughtUpSince!.Value, DateTimeOffset.UtcNow.AddDays(-8), DateTimeOffset.UtcNow.AddDays(-6)); // nothing known: FirstCatchUp
        Assert.Single(_log.Of(LogEvents.LifecycleWatching));
    }

    [Fact]
    public async Task A_lost_watch_is_followed_by_one_that_catches_up_from_the_checkpoint()
    {
        var stored = DateTimeOffset.UtcNow.AddHours(-1);
        _directory.Checkpoint = stored;
        var lost = new FakeWatch();
        var next = new FakeWatch();
        next.CatchUp.Add(UserWithUsedToken("meanwhile", "3"));
        _directory.Watches.Enqueue(lost);
        _directory.Watches.Enqueue(next);
        using var watcher = Watcher();

        await watcher.StartAsync(CancellationToken.None);
        await EventuallyAsync(() => lost.CaughtUpSince is not null, "the first watch");
        Assert.Equal(stored - _options.ClockMargin, lost.CaughtUpSince);
        var reached = _directory.Checkpoint!.Value;
        lost.Fail(new DirectoryException(DirectoryFailure.Unavailable, "The watch connection was lost: test."));
        await EventuallyAsync(() => Removed("meanwhile"), "the second watch's catch-up");
        await watcher.StopAsync(CancellationToken.None);

        Assert.True(lost.Disposed);
        Assert.True(next.CaughtUpSince >= reached - _options.ClockMargin);
        Assert.Contains(_log.Of(LogEvents.LifecycleWatchInterrupted), m => m.Contains("test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_directory_that_cannot_be_watched_is_tried_again_with_growing_pauses()
    {
        _directory.FailNext(new DirectoryException(DirectoryFailure.Unavailable, "down 1"));
        _directory.FailNext(new DirectoryException(DirectoryFailure.Unavailable, "down 2"));
        var watch = new FakeWatch();
        _directory.Watches.Enqueue(watch);
        using var watcher = Watcher();

        await watcher.StartAsync(CancellationToken.None);
        await EventuallyAsync(() => watch.CaughtUpSince is not null, "the third attempt");
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal(2, _log.Of(LogEvents.LifecycleWatchInterrupted).Count());
        Assert.Equal(TimeSpan.FromMilliseconds(10), watcher.ReconnectDelay(1));
        Assert.Equal(TimeSpan.FromMilliseconds(20), watcher.ReconnectDelay(2));
        Assert.Equal(LifecycleOptions.MaxReconnectDelay, watcher.ReconnectDelay(40));
    }

    [Fact]
    public async Task A_change_the_directory_refuses_for_good_is_logged_and_skipped()
    {
        var watch = new FakeWatch();
        _directory.Watches.Enqueue(watch);
        using var watcher = Watcher();
        await watcher.StartAsync(CancellationToken.None);
        await EventuallyAsync(() => watch.CaughtUpSince is not null, "the watch");

        var refused = UserWithUsedToken("refused", "4");
        _directory.FailNext(new DirectoryException(DirectoryFailure.InsufficientAccess, "insufficient access (test)"));
        watch.Send(new CertificateRecordChange(CertificateRecordChangeKind.Added, refused));
        watch.Send(new CertificateRecordChange(CertificateRecordChangeKind.Added, UserWithUsedToken("next", "5")));
        await EventuallyAsync(() => Removed("next"), "the next change");
        await watcher.StopAsync(CancellationToken.None);

        Assert.False(Removed("refused"));
        Assert.Single(_log.Of(LogEvents.LifecycleChangeFailed));
        Assert.Single(_directory.Opened);
    }

    [Fact]
    public async Task Disabled_it_never_watches()
    {
        _options.Enabled = false;
        using var watcher = Watcher();
        await watcher.StartAsync(CancellationToken.None);
        await Task.Delay(100);
        await watcher.StopAsync(CancellationToken.None);
        Assert.Empty(_directory.Opened);
    }
}
