using System.Globalization;

namespace ShrTok.Auditing;

/// <summary>
/// Reads <c>--since</c>: an ISO 8601 time (<c>2026-12-01T08:00:00Z</c>; without an offset it is UTC) or a
/// span back from now with a unit (<c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c>).
/// </summary>
internal static class SinceParser
{
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset since)
    {
        since = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (DurationText.TryParse(text, out var span))
        {
            since = now - span;
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since);
    }
}
