using System.Globalization;

namespace ShrTok;

/// <summary>
/// A span as options take it: a count and a unit, <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c>
/// (<c>shrtok audit --since</c>, <c>shrtok tokens --expiring-within</c> and <c>--older-than</c>).
/// </summary>
internal static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan span)
    {
        span = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        var unit = text[^1];
        if (!char.IsAsciiLetterLower(unit)
            || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return false;
        TimeSpan? parsed = unit switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => null,
        };
        if (parsed is null) return false;
        span = parsed.Value;
        return true;
    }

    /// <summary>The largest unit that keeps it whole enough to read: <c>6d 23h</c>, <c>4h 05m</c>, <c>12m 30s</c>, <c>45s</c>; negative spans get a minus.</summary>
    public static string Format(TimeSpan span)
    {
        var sign = span < TimeSpan.Zero ? "-" : "";
        span = span.Duration();
        return sign + (span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours:00}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes:00}m"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m {span.Seconds:00}s"
            : $"{(int)span.TotalSeconds}s");
    }
}
