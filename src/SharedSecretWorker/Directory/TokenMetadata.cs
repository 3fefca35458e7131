using System.Globalization;
using System.Text;

namespace SharedSecretWorker.Directory;

/// <summary>
/// What the worker records beside a token it writes, in the same modify (docs/token-lifecycle.md,
/// "A lifetime"): when it was issued, until when it is valid, the token's SHA-256 (so that the record
/// can be told to belong to the token standing beside it), the request and batch that wrote it, and the
/// SHA-256 of the issuance protection certificate the token was wrapped to (re-key, "Outstanding tokens").
/// The directory holds it as one line of text: <c>shrTokInfo</c> on the user's entry, or the metaInfo
/// value <c>revShrTokInfo:&lt;line&gt;</c> on the certificate record (Dogtag splits metaInfo at the first
/// colon and reads only the key <c>revShrTok</c>, so the CA never sees it).
/// </summary>
/// <remarks>
/// The line is <c>v=1</c> followed by space-separated <c>key=value</c> pairs: <c>sha256</c>,
/// <c>issued</c>, <c>notAfter</c> (left out when the token never expires), <c>request</c>,
/// <c>batch</c> (left out outside a batch) and <c>wrappedTo</c> (left out when unknown). Times are
/// Generalized Time in UTC, whole seconds (<c>20261202120000Z</c>). No value holds a space: digests are
/// hex, request and batch ids are <c>A-Z a-z 0-9 . _ : -</c> (docs/messages.md, "Fields"). Unknown keys
/// are ignored, so that a later version may add some.
/// </remarks>
/// <param name="TokenSha256">Lower-case hex SHA-256 of the token text (as results carry it).</param>
/// <param name="IssuedAt">When the worker wrote the token (its clock), UTC, whole seconds.</param>
/// <param name="NotAfter">When the token expires, UTC, whole seconds; null when it never does.</param>
/// <param name="RequestId">The request that wrote the token.</param>
/// <param name="BatchId">The batch of that request, if any.</param>
/// <param name="WrappedTo">Lower-case hex SHA-256 of the DER issuance protection certificate the token was wrapped to, if known.</param>
public sealed record TokenMetadata(
    string TokenSha256,
    DateTimeOffset IssuedAt,
    DateTimeOffset? NotAfter,
    string RequestId,
    string? BatchId,
    string? WrappedTo)
{
    /// <summary>The format's version, the first pair of every line.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The attribute on a user's entry that holds the line (docs/schema).</summary>
    public const string EnrollmentAttribute = "shrTokInfo";

    /// <summary>The single-valued Generalized Time attribute, indexed, that the expiry sweep searches on a user's entry.</summary>
    public const string EnrollmentNotAfterAttribute = "shrTokNotAfter";

    /// <summary>The metaInfo key of the line on a certificate record.</summary>
    public const string RevocationMetaInfoKey = "revShrTokInfo";

    private const string TimeFormat = "yyyyMMddHHmmss'Z'";

    /// <summary>The line as stored.</summary>
    public string Format()
    {
        var line = new StringBuilder("v=").Append(CurrentVersion.ToString(CultureInfo.InvariantCulture));
        line.Append(" sha256=").Append(TokenSha256);
        line.Append(" issued=").Append(FormatTime(IssuedAt));
        if (NotAfter is { } notAfter) line.Append(" notAfter=").Append(FormatTime(notAfter));
        line.Append(" request=").Append(RequestId);
        if (BatchId is not null) line.Append(" batch=").Append(BatchId);
        if (WrappedTo is not null) line.Append(" wrappedTo=").Append(WrappedTo);
        return line.ToString();
    }

    /// <summary>The metaInfo value for a revocation token's record: <c>revShrTokInfo:&lt;line&gt;</c>.</summary>
    public string FormatMetaInfo() => RevocationMetaInfoKey + ":" + Format();

    /// <summary>Generalized Time, whole seconds, as <see cref="EnrollmentNotAfterAttribute"/> holds it and a filter compares it.</summary>
    public static string FormatTime(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Truncates to whole seconds, the precision the line keeps.</summary>
    public static DateTimeOffset ToSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>Reads a line; null when it is not version 1 or lacks <c>sha256</c>, <c>issued</c> or <c>request</c>.</summary>
    public static TokenMetadata? Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) return null;
            pairs.TryAdd(part[..equals], part[(equals + 1)..]);
        }
        if (!pairs.TryGetValue("v", out var version) || version != "1") return null;
        if (!pairs.TryGetValue("sha256", out var sha256) || sha256.Length != 64) return null;
        if (!pairs.TryGetValue("issued", out var issuedText) || ParseTime(issuedText) is not { } issued) return null;
        if (!pairs.TryGetValue("request", out var request) || request.Length == 0) return null;
        DateTimeOffset? notAfter = null;
        if (pairs.TryGetValue("notAfter", out var notAfterText))
        {
            notAfter = ParseTime(notAfterText);
            if (notAfter is null) return null;
        }
        return new TokenMetadata(sha256, issued, notAfter, request, pairs.GetValueOrDefault("batch"), pairs.GetValueOrDefault("wrappedTo"));
    }

    /// <summary>Reads a metaInfo value <c>revShrTokInfo:&lt;line&gt;</c> (key compared ignoring case, as the server compares metaInfo); null for any other value.</summary>
    public static TokenMetadata? ParseMetaInfo(string? value)
    {
        if (value is null || value.Length <= RevocationMetaInfoKey.Length
            || !value.StartsWith(RevocationMetaInfoKey + ":", StringComparison.OrdinalIgnoreCase))
            return null;
        return Parse(value[(RevocationMetaInfoKey.Length + 1)..]);
    }

    /// <summary>Whether the token is past its expiry at <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => NotAfter is { } notAfter && notAfter <= now;

    private static DateTimeOffset? ParseTime(string text) =>
        DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
            : null;
}
