using System.ComponentModel.DataAnnotations;

namespace SharedSecretWorker.Processing;

/// <summary>How much work one worker process does at once (section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Worker";

    /// <summary>
    /// Default jobs in flight: the default number of HSM sessions (Hsm:MaxSessions). More jobs
    /// than sessions only queue for a session, and then an interactive job queues behind bulk
    /// ones there; with as many jobs as sessions, bulk holds all but one session and an
    /// interactive job finds one free (measured: same drain rate, interactive p99 during a batch
    /// 199 ms instead of 689 ms; see docs/performance.md, Fair lanes).
    /// </summary>
    public const int DefaultMaxConcurrency = 4;

    /// <summary>Default number of finished request ids remembered to settle redeliveries without a second token.</summary>
    public const int DefaultCompletedRequestMemory = 20_000;

    /// <summary>Default wait for in-flight jobs on shutdown before they are handed back to the broker.</summary>
    public static readonly TimeSpan DefaultShutdownGrace = TimeSpan.FromSeconds(20);

    /// <summary>Jobs in flight at most, both lanes together. Bulk may use all but one slot. Keep it at most Hsm:MaxSessions.</summary>
    [Range(2, 1024)]
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;

    /// <summary>
    /// Unacknowledged deliveries per lane (basic.qos). Above the concurrency so that the next
    /// message is already here when a slot frees; zero means twice <see cref="MaxConcurrency"/>.
    /// </summary>
    [Range(0, 65535)]
    public int Prefetch { get; set; }

    /// <summary>Finished request ids remembered (bounded: oldest forgotten first).</summary>
    [Range(0, 10_000_000)]
    public int CompletedRequestMemory { get; set; } = DefaultCompletedRequestMemory;

    /// <summary>How long SIGTERM waits for in-flight jobs; keep it below the host's shutdown timeout.</summary>
    public TimeSpan ShutdownGrace { get; set; } = DefaultShutdownGrace;

    /// <summary>The prefetch in effect.</summary>
    public ushort EffectivePrefetch => (ushort)(Prefetch > 0 ? Prefetch : Math.Min(ushort.MaxValue, 2 * MaxConcurrency));
}
