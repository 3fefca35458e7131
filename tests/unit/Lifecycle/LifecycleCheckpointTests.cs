using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Lifecycle;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

namespace SharedSecretWorker.Tests.Unit.Lifecycle;

/// <summary>Where a watch resumes (docs/token-lifecycle.md, "Resuming").</summary>
public sealed class LifecycleCheckpointTests
{
    private readonly FakeLifecycleDirectory _directory = new();
    private readonly ManualTime _time = new();
    private readonly LogLines<LifecycleCheckpoint> _log = new();

    private LifecycleCheckpoint Checkpoint(string entry = FakeLifecycleDirectory.CheckpointEntry) => new(_directory, Options.Create(new LifecycleOptions
    {
        CheckpointEntry = entry,
        FirstCatchUp = TimeSpan.FromDays(7),
        ClockMargin = TimeSpan.FromMinutes(5),
    }), _time, _log);

    [Fact]
    public async Task With_nothing_known_the_first_catch_up_looks_back_FirstCatchUp()
    {
        Assert.Equal(_time.GetUtcNow().AddDays(-7), await Checkpoint().ResumeFromAsync(CancellationToken.None));
        Assert.Equal(_time.GetUtcNow().AddDays(-7), await Checkpoint(entry: "").ResumeFromAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_stored_checkpoint_or_the_one_reached_in_memory_whichever_is_later_less_the_margin()
    {
        var stored = _time.GetUtcNow().AddHours(-1);
        _directory.Checkpoint = stored;
        var checkpoint = Checkpoint();
        Assert.Equal(stored.AddMinutes(-5), await checkpoint.ResumeFromAsync(CancellationToken.None));

        checkpoint.Reach(stored.AddMinutes(30));
        Assert.Equal(stored.AddMinutes(25), await checkpoint.ResumeFromAsync(CancellationToken.None));

        // Another worker moved it further.
        _directory.Checkpoint = stored.AddMinutes(50);
        Assert.Equal(stored.AddMinutes(45), await checkpoint.ResumeFromAsync(CancellationToken.None));
    }

    [Fact]
    public async Task It_is_written_only_when_it_moved_and_never_back()
    {
        var checkpoint = Checkpoint();
        await checkpoint.SaveAsync(CancellationToken.None);
        Assert.Equal(0, _directory.CheckpointWrites);

        var at = _time.GetUtcNow();
        checkpoint.Reach(at);
        await checkpoint.SaveAsync(CancellationToken.None);
        await checkpoint.SaveAsync(CancellationToken.None);
        checkpoint.Reach(at.AddMinutes(-1));
        await checkpoint.SaveAsync(CancellationToken.None);

        Assert.Equal(1, _directory.CheckpointWrites);
        Assert.Equal(at, _directory.Checkpoint);
        Assert.Equal(at, checkpoint.Reached);
    }

    [Fact]
    public async Task A_missing_entry_is_logged_and_the_memory_serves()
    {
        _directory.CheckpointFailure = new DirectoryException(DirectoryFailure.Misconfigured, "The checkpoint entry does not exist.");
        var checkpoint = Checkpoint();
        checkpoint.Reach(_time.GetUtcNow());

        Assert.Equal(_time.GetUtcNow().AddMinutes(-5), await checkpoint.ResumeFromAsync(CancellationToken.None));
        checkpoint.Reach(_time.GetUtcNow().AddMinutes(1));
        await checkpoint.SaveAsync(CancellationToken.None);

        Assert.Single(_log.Of(LogEvents.LifecycleCheckpointFailed)); // not again at every checkpoint
        Assert.Equal(0, _directory.CheckpointWrites);
    }

    [Fact]
    public async Task An_entry_the_bind_may_not_write_is_logged_once_until_the_next_watch()
    {
        var checkpoint = Checkpoint();
        await checkpoint.ResumeFromAsync(CancellationToken.None);
        _directory.CheckpointFailure = new DirectoryException(DirectoryFailure.Forbidden, "insufficient access (test)");
        checkpoint.Reach(_time.GetUtcNow());
        await checkpoint.SaveAsync(CancellationToken.None);
        checkpoint.Reach(_time.GetUtcNow().AddMinutes(1));
        await checkpoint.SaveAsync(CancellationToken.None);
        Assert.Single(_log.Of(LogEvents.LifecycleCheckpointFailed));

        _directory.CheckpointFailure = null;
        await checkpoint.ResumeFromAsync(CancellationToken.None);
        await checkpoint.SaveAsync(CancellationToken.None);
        Assert.Equal(_time.GetUtcNow().AddMinutes(1), _directory.Checkpoint);
    }

    [Fact]
    public async Task A_transient_write_failure_is_tried_again_at_the_next_checkpoint()
    {
        var checkpoint = Checkpoint();
        _directory.CheckpointFailure = new DirectoryException(DirectoryFailure.Unavailable, "down");
        checkpoint.Reach(_time.GetUtcNow());
        await checkpoint.SaveAsync(CancellationToken.None);
        _directory.CheckpointFailure = null;
        await checkpoint.SaveAsync(CancellationToken.None);
        Assert.Equal(_time.GetUtcNow(), _directory.Checkpoint);
    }

    [Fact]
    public async Task An_unavailable_directory_stops_the_resume_so_that_it_is_tried_again()
    {
        _directory.CheckpointFailure = new DirectoryException(DirectoryFailure.Unavailable, "down");
        await Assert.ThrowsAsync<DirectoryException>(() => Checkpoint().ResumeFromAsync(CancellationToken.None));
    }
}
