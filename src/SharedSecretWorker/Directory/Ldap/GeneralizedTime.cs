using System.Globalization;
using System.Text.RegularExpressions;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// The time forms of the directory: Generalized Time in UTC as 389 DS writes its operational
/// attributes (<c>20261127120000Z</c>, RFC 4517 section 3.3.13, a fraction allowed), and the form
/// Dogtag writes <c>dateOfCreate</c> and <c>revokedOn</c> in (<c>yyyyMMddHHmmss'Z'</c>, Directory String).
/// </summary>
internal static partial class GeneralizedTime
{
    private const string SecondsFormat = "yyyyMMddHHmmss";

    /// <summary>Reads <c>yyyyMMddHHmmss[.fraction]Z</c>; null for anything else (other zones included).</summary>
    public static DateTimeOffset? Parse(string? text)
    {
        if (text is null) return null;
        var match = Form().Match(text);
        if (!match.Success) return null;
        if (!DateTime.TryParseExact(match.Groups[1].Value, SecondsFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var seconds))
            return null;
        var fraction = match.Groups[2].Success ? match.Groups[2].Value : "";
        var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0'), CultureInfo.InvariantCulture);
        return new DateTimeOffset(DateTime.SpecifyKind(seconds, DateTimeKind.Utc)).AddTicks(ticks);
    }

    /// <summary><c>yyyyMMddHHmmss.fffZ</c>, the form of the lifecycle checkpoint.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyyMMddHHmmss'.'fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Dogtag's form, whole seconds (<c>yyyyMMddHHmmss'Z'</c>): what a filter on <c>dateOfCreate</c> compares with.</summary>
    public static string FormatDogtag(DateTimeOffset value) =>
        value.UtcDateTime.ToString(SecondsFormat + "'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d{14})(?:[.,](\d{1,7}))?Z$", RegexOptions.CultureInvariant)]
    private static partial Regex Form();
}
