using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// Escapes an attribute value for use in a DN string (RFC 4514 section 2.4): the special
/// characters <c>" + , ; &lt; &gt; \ =</c>, a leading space or <c>#</c>, a trailing space,
/// and NUL and other control characters (as <c>\XX</c>).
/// </summary>
internal static class LdapDnValue
{
    public static string Escape(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var leading = i == 0 && (c == ' ' || c == '#');
            var trailing = i == value.Length - 1 && c == ' ';
            if (c is '"' or '+' or ',' or ';' or '<' or '>' or '\\' or '=' || leading || trailing)
            {
                text.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                    text.Append('\\').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary><c>name=value,parent</c> with the value escaped.</summary>
    public static string Child(string attribute, string value, string parent) => $"{attribute}={Escape(value)},{parent}";
}
