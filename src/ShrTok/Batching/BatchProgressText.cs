using System.Globalization;

namespace ShrTok.Batching;

/// <summary>The words of a progress update: done / failed / in flight, rate and ETA.</summary>
internal sealed class BatchProgressText(BatchCounts start, long startTimestamp, TimeProvider time)
{
    /// <summary>Rows finished per second since this view started (rows done by an earlier run excluded).</summary>
    public double Rate(BatchCounts now)
    {
        var seconds = time.GetElapsedTime(startTimestamp).TotalSeconds;
        return seconds <= 0 ? 0 : (now.Done - start.Done) / seconds;
    }

    /// <summary>Time left at the current rate, or null before anything finished.</summary>
    public TimeSpan? Eta(BatchCounts now)
    {
        var rate = Rate(now);
        if (now.Complete) return TimeSpan.Zero;
        return rate > 0 ? TimeSpan.FromSeconds(Math.Ceiling((now.Rows - now.Done) / rate)) : null;
    }

    public string Describe(BatchCounts now)
    {
        var parts = new List<string>
        {
            $"{now.Done}/{now.Rows} done",
            $"{now.Stored + now.Cleared} ok",
            $"{now.Failed} failed",
        };
        if (now.Lost > 0) parts.Add($"{now.Lost} unknown");
        parts.Add($"{now.InFlight} in flight");
        if (now.NotSent > 0) parts.Add($"{now.NotSent} not sent");
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Rate(now):0.#}/s"));
        parts.Add("ETA " + (Eta(now) is { } eta ? eta.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : "?"));
        return string.Join(", ", parts);
    }
}
