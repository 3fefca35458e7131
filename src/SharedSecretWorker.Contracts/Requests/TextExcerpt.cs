using System.Globalization;
using System.Text;

namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// Quotes untrusted input inside error messages: short, with control and invisible characters
/// shown as <c>\uXXXX</c>, so a hostile body cannot forge log lines or flood a result.
/// </summary>
internal static class TextExcerpt
{
    /// <summary>Longest excerpt of a value quoted in a message.</summary>
    public const int MaxQuoted = 40;

    /// <summary>The value in single quotes, cut to <see cref="MaxQuoted"/> characters, escaped.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder("'");
        var cut = value.Length > MaxQuoted;
        var length = cut ? MaxQuoted : value.Length;
        // Never split a surrogate pair at the cut.
        if (cut && char.IsHighSurrogate(value[length - 1])) length--;
        for (var i = 0; i < length; i++)
        {
            var c = value[i];
            if (IsShownAsIs(value, i)) builder.Append(c);
            else builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }
        builder.Append('\'');
        if (cut) builder.Append(CultureInfo.InvariantCulture, $" (first {length} of {value.Length} characters)");
        return builder.ToString();
    }

    /// <summary>Names the character at <paramref name="index"/>: <c>'é' (U+00E9)</c> or <c>U+0000</c> for invisible ones.</summary>
    public static string Describe(string value, int index)
    {
        if (!Rune.TryGetRuneAt(value, index, out var rune))
            return $"U+{(int)value[index]:X4} (a lone surrogate)";
        var code = $"U+{rune.Value:X4}";
        return IsShownAsIs(value, index) ? $"'{rune}' ({code})" : code;
    }

    private static bool IsShownAsIs(string value, int index)
    {
        var c = value[index];
        if (char.IsSurrogate(c))
        {
            // A well-formed pair is shown; a lone surrogate is escaped.
            return char.IsHighSurrogate(c)
                ? index + 1 < value.Length && char.IsLowSurrogate(value[index + 1])
                : index > 0 && char.IsHighSurrogate(value[index - 1]);
        }
        return CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned) && c != '\'';
    }
}
