namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// Configuration section <c>Lifecycle</c> (docs/operations.md, "Configuration"; docs/token-lifecycle.md):
/// the watcher that removes a token once it has been used. Validated at start-up by
/// <see cref="LifecycleOptionsValidator"/>; errors name the key.
/// </summary>
public sealed class LifecycleOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Lifecycle";

    /// <summary>Default look-back of the first catch-up, when no checkpoint is known: a token older than this is left alone.</summary>
    public static readonly TimeSpan DefaultFirstCatchUp = TimeSpan.FromDays(7);

    /// <summary>Default margin taken off the checkpoint before a catch-up: clock differences between worker, directory and CA, and changes still on their way.</summary>
    public static readonly TimeSpan DefaultClockMargin = TimeSpan.FromMinutes(5);

    /// <summary>Default interval between checkpoints (and probes of the watch connection).</summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromMinutes(1);

    /// <summary>Default interval between counts of the outstanding tokens (the gauges behind the dashboard's panel and the overdue-token alert).</summary>
    public static readonly TimeSpan DefaultCensusInterval = TimeSpan.FromMinutes(1);

    /// <summary>Default first pause before watching again after a failure; it doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public static readonly TimeSpan DefaultReconnectDelay = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause between attempts to watch again.</summary>
    public static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromMinutes(1);

    /// <summary>Default interval between expiry sweeps (docs/token-lifecycle.md, "A lifetime").</summary>
    public static readonly TimeSpan DefaultExpirySweepInterval = TimeSpan.FromSeconds(10);

    /// <summary>Watch the CA's certificate records and remove used tokens; sweep expired ones.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the CA's certificate records are; empty: <c>Directory:CertificateRepositoryBase</c>.</summary>
    public string CertificateBase { get; set; } = "";

    /// <summary>
    /// An entry of the worker's own whose <c>description</c> holds the checkpoint, shared by every
    /// worker; empty: the checkpoint lives in memory only, and a worker that starts catches up over
    /// <see cref="FirstCatchUp"/>.
    /// </summary>
    public string CheckpointEntry { get; set; } = "";

    /// <summary>How far back the catch-up looks when no checkpoint is known (first start, or no <see cref="CheckpointEntry"/>).</summary>
    public TimeSpan FirstCatchUp { get; set; } = DefaultFirstCatchUp;

    /// <summary>Taken off the checkpoint before each catch-up.</summary>
    public TimeSpan ClockMargin { get; set; } = DefaultClockMargin;

    /// <summary>How often the checkpoint moves forward while the watch runs.</summary>
    public TimeSpan CheckpointInterval { get; set; } = DefaultCheckpointInterval;

    /// <summary>First pause before watching again after a failure.</summary>
    public TimeSpan ReconnectDelay { get; set; } = DefaultReconnectDelay;

    /// <summary>
    /// How often every outstanding token is counted for the gauges <c>shrtok.tokens.outstanding</c> and
    /// <c>shrtok.tokens.overdue</c> (docs/token-lifecycle.md, "Outstanding tokens"): one paged read of the
    /// tokens per interval. Zero turns the count off.
    /// </summary>
    public TimeSpan CensusInterval { get; set; } = DefaultCensusInterval;

    /// <summary>
    /// How often each worker looks for expired tokens and removes them (with up to 10 % of jitter, so
    /// that the workers' sweeps spread out). An expired token stays at most about this long.
    /// </summary>
    public TimeSpan ExpirySweepInterval { get; set; } = DefaultExpirySweepInterval;
}
