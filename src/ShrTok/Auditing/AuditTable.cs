using System.Globalization;

namespace ShrTok.Auditing;

/// <summary>
/// The human view of <c>shrtok audit</c>: one line per record, fixed columns (time, action, outcome, kind,
/// target, request id, the token digest's first 12 hex digits), wide enough for the usual values and never
/// cut: a long value pushes the rest of its line right rather than losing characters an operator may search for.
/// </summary>
internal static class AuditTable
{
    /// <summary>Hex digits of the token digest shown: enough to tell tokens apart by eye, as git shows commits.</summary>
    public const int DigestPrefix = 12;

    private static readonly (string Title, int Width)[] Columns =
        [("TIME (UTC)", 23), ("ACTION", 14), ("OUTCOME", 7), ("KIND", 10), ("TARGET", 20), ("REQUEST ID", 36), ("SHA-256", DigestPrefix)];

    public static string Header() => Line(Columns.Select(c => c.Title).ToArray());

    public static string Row(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var outcome = record.ReasonCode is { } code ? $"{record.Outcome} ({code})" : record.Outcome;
        return Line(
        [
            record.EventTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
            record.Action,
            outcome,
            record.Kind ?? "-",
            record.Target.Name ?? record.Target.Id,
            record.RequestId ?? "-",
            record.TokenSha256 is { } sha ? sha[..Math.Min(DigestPrefix, sha.Length)] : "-",
        ]);
    }

    private static string Line(string[] values) =>
        string.Join("  ", values.Select((v, i) => i == values.Length - 1 ? v : v.PadRight(Columns[i].Width))).TrimEnd();
}
