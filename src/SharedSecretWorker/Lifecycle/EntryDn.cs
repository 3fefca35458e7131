using System.Globalization;
using System.Text;

namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// Compares DNs written in different hands: the subject as Dogtag prints it
/// (<c>UID=jdoe,OU=people,DC=example,DC=com</c>), the DN the directory returns and the configured
/// bases. Attribute types compare ignoring case, values ignoring case and the spaces around
/// separators (the case-ignoring matching rules of uid, ou, dc, cn), escapes (RFC 4514) undone.
/// </summary>
internal static class EntryDn
{
    /// <summary>True when <paramref name="dn"/> names an entry strictly below <paramref name="baseDn"/>.</summary>
    public static bool IsBelow(string? dn, string? baseDn)
    {
        if (Parse(dn) is not { } entry || Parse(baseDn) is not { } parent || entry.Count <= parent.Count) return false;
        return entry.Skip(entry.Count - parent.Count).SequenceEqual(parent, StringComparer.Ordinal);
    }

    /// <summary>The normalised RDNs, or null when the text is not a DN.</summary>
    internal static List<string>? Parse(string? dn)
    {
        if (string.IsNullOrWhiteSpace(dn)) return null;
        var rdns = new List<string>();
        var avas = new List<string>();
        var type = new StringBuilder();
        var value = new StringBuilder();
        var inValue = false;
        for (var i = 0; i < dn.Length; i++)
        {
            var c = dn[i];
            if (c == '\\' && inValue)
            {
                if (IsHex(dn, i + 1))
                {
                    value.Append((char)int.Parse(dn.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                }
                else if (i + 1 < dn.Length)
                {
                    value.Append(dn[++i]);
                }
                else
                {
                    return null;
                }
            }
            else if (c == '=' && !inValue)
            {
                inValue = true;
            }
            else if ((c == ',' || c == ';' || c == '+') && inValue)
            {
                if (Ava(type, value) is not { } ava) return null;
                avas.Add(ava);
                if (c != '+')
                {
                    rdns.Add(string.Join('+', avas.Order(StringComparer.Ordinal)));
                    avas.Clear();
                }
                type.Clear();
                value.Clear();
                inValue = false;
            }
            else
            {
                (inValue ? value : type).Append(c);
            }
        }
        if (!inValue || Ava(type, value) is not { } last) return null;
        avas.Add(last);
        rdns.Add(string.Join('+', avas.Order(StringComparer.Ordinal)));
        return rdns;
    }

    private static bool IsHex(string text, int at) =>
        at + 1 < text.Length && char.IsAsciiHexDigit(text[at]) && char.IsAsciiHexDigit(text[at + 1]);

    private static string? Ava(StringBuilder type, StringBuilder value)
    {
        var t = type.ToString().Trim();
        var v = value.ToString().Trim();
        if (t.Length == 0 || v.Length == 0) return null;
        return t.ToLowerInvariant() + "=" + v.ToLowerInvariant();
    }
}
