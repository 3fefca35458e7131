namespace ShrTok.Batching;

/// <summary>How <c>shrtok batch</c> works (section <c>Batch</c>); every value has a named default.</summary>
internal sealed class BatchOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Batch";

    /// <summary>Default publishes awaiting their broker confirm at once: enough to keep the loopback link busy, few enough that memory stays flat.</summary>
    public const int DefaultPublishWindow = 256;

    /// <summary>Default prefetch of the batch's results queue.</summary>
    public const int DefaultResultPrefetch = 500;

    /// <summary>Default life of an unused results queue: long enough to come back after a night, short enough that an abandoned queue (bound to every result) goes away.</summary>
    public static readonly TimeSpan DefaultResultsQueueExpiry = TimeSpan.FromDays(2);

    /// <summary>Default interval of the plain progress line (stdout not a terminal).</summary>
    public static readonly TimeSpan DefaultProgressInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where batches keep their journal and state, one folder per batch id. Empty:
    /// <c>$XDG_STATE_HOME/shrtok/batches</c>, else <c>~/.local/state/shrtok/batches</c> (XDG Base Directory spec).
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>Publishes awaiting their confirm at once.</summary>
    public int PublishWindow { get; set; } = DefaultPublishWindow;

    /// <summary>Unacknowledged results delivered to the CLI at once.</summary>
    public int ResultPrefetch { get; set; } = DefaultResultPrefetch;

    /// <summary>RabbitMQ <c>x-expires</c> of the batch's results queue: deleted after this long without a consumer.</summary>
    public TimeSpan ResultsQueueExpiry { get; set; } = DefaultResultsQueueExpiry;

    /// <summary>Interval of the plain progress line.</summary>
    public TimeSpan ProgressInterval { get; set; } = DefaultProgressInterval;

    /// <summary>The state directory in effect.</summary>
    public string EffectiveStateDirectory()
    {
        if (!string.IsNullOrWhiteSpace(StateDirectory)) return Path.GetFullPath(StateDirectory);
        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(root, "shrtok", "batches");
    }

    /// <summary>What is wrong with these values, or null.</summary>
    public string? Problem()
    {
        if (PublishWindow is < 1 or > ushort.MaxValue) return $"Batch:PublishWindow is {PublishWindow}; it must be 1 to {ushort.MaxValue}.";
        if (ResultPrefetch is < 1 or > ushort.MaxValue) return $"Batch:ResultPrefetch is {ResultPrefetch}; it must be 1 to {ushort.MaxValue}.";
        if (ResultsQueueExpiry < TimeSpan.FromMinutes(1)) return $"Batch:ResultsQueueExpiry is {ResultsQueueExpiry}; it must be at least 00:01:00.";
        if (ProgressInterval <= TimeSpan.Zero) return $"Batch:ProgressInterval is {ProgressInterval}; it must be positive.";
        return null;
    }
}
