using System.Collections.Concurrent;

namespace SharedSecretWorker.Telemetry;

/// <summary>
/// When each running job started, so that liveness (and the systemd watchdog) can tell a worker
/// that is busy from one that is stuck: a job far older than any timeout of its dependencies means
/// a call that will never return.
/// </summary>
internal sealed class RunningJobs(TimeProvider time)
{
    private readonly ConcurrentDictionary<Job, byte> _jobs = new();

    /// <summary>Records a job as running until the result is disposed.</summary>
    public IDisposable Start()
    {
        var job = new Job(this, time.GetTimestamp());
        _jobs.TryAdd(job, 0);
        return job;
    }

    /// <summary>Age of the oldest running job, or zero.</summary>
    public TimeSpan OldestAge
    {
        get
        {
            var oldest = long.MaxValue;
            foreach (var job in _jobs.Keys) oldest = Math.Min(oldest, job.Started);
            return oldest == long.MaxValue ? TimeSpan.Zero : time.GetElapsedTime(oldest);
        }
    }

    private sealed class Job(RunningJobs owner, long started) : IDisposable
    {
        public long Started { get; } = started;

        public void Dispose() => owner._jobs.TryRemove(this, out _);
    }
}
