using System.Globalization;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;

namespace ShrTok.OutstandingTokens;

/// <summary>
/// The human view of <c>shrtok tokens</c>: one line per token (kind, target, age, expiry, request id,
/// batch, the first hex digits of the wrapping certificate's and the token's SHA-256), a value never cut
/// (a long one pushes the rest of its line right), <c>?</c> for what is not known.
/// </summary>
internal static class OutstandingTokenTable
{
    /// <summary>Hex digits of a digest shown, as <c>shrtok audit</c> shows them.</summary>
    public const int DigestPrefix = 12;

    private static readonly (string Title, int Width)[] Columns =
        [("KIND", 10), ("TARGET", 20), ("AGE", 8), ("EXPIRES (UTC)", 20), ("REQUEST ID", 24), ("BATCH", 16), ("WRAPPED TO", DigestPrefix), ("SHA-256", DigestPrefix)];

    public static string Header() => Line(Columns.Select(c => c.Title).ToArray());

    public static string Row(OutstandingToken token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        var age = token.AgeAt(now) is { } span ? DurationText.Format(span) + (token.Metadata is null ? "+" : "") : "?";
        var expires = token.Metadata is null ? "?"
            : token.NotAfter is { } notAfter ? notAfter.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (token.IsOverdueAt(now) ? " OVERDUE" : "")
            : "never";
        return Line(
        [
            token.Kind.ToWireName(),
            token.Target,
            age,
            expires,
            token.Metadata?.RequestId ?? "?",
            token.Metadata?.BatchId ?? "-",
            token.Metadata?.WrappedTo is { } wrapped ? wrapped[..Math.Min(DigestPrefix, wrapped.Length)] : "?",
            token.TokenSha256[..DigestPrefix],
        ]);
    }

    /// <summary>The closing line: how many listed, how many overdue, how many with no record.</summary>
    public static string Summary(int listed, int overdue, int unrecorded) =>
        $"{listed} token(s); {overdue} past their expiry; {unrecorded} without a record of issue (age is at least the entry's last change, marked +).";

    private static string Line(string[] values) =>
        string.Join("  ", values.Select((v, i) => i == values.Length - 1 ? v : v.PadRight(Columns[i].Width))).TrimEnd();
}
