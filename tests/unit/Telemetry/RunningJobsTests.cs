using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Tests.Unit.Telemetry;

/// <summary>The age of the oldest running job, which liveness and the systemd watchdog judge.</summary>
public sealed class RunningJobsTests
{
    [Fact]
    public void Oldest_age_follows_the_oldest_job_still_running()
    {
        var time = new ManualTime();
        var jobs = new RunningJobs(time);
        Assert.Equal(TimeSpan.Zero, jobs.OldestAge);

        var first = jobs.Start();
        time.Advance(TimeSpan.FromSeconds(10));
        using var second = jobs.Start();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(15), jobs.OldestAge);

        first.Dispose();
        Assert.Equal(TimeSpan.FromSeconds(5), jobs.OldestAge);
        first.Dispose(); // twice is harmless
        Assert.Equal(TimeSpan.FromSeconds(5), jobs.OldestAge);
    }
}
