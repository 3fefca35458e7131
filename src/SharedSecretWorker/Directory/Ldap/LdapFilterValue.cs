using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// Escapes an assertion value for a string filter (RFC 4515 section 3). The RFC requires
/// <c>*</c>, <c>(</c>, <c>)</c>, <c>\</c> and NUL to be escaped; this escapes every byte outside
/// printable ASCII as well, so that no input can change the filter's structure or meaning.
/// </summary>
internal static class LdapFilterValue
{
    public static string Escape(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= (byte)' ' and <= (byte)'~' && b is not ((byte)'*' or (byte)'(' or (byte)')' or (byte)'\\'))
                text.Append((char)b);
            else
                text.Append('\\').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
