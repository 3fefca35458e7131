using System.Formats.Asn1;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// The Simple Paged Results control (RFC 2696, OID 1.2.840.113556.1.4.319), so that a search may
/// return more entries than the server's size limit for the bind, one page at a time.
/// realSearchControlValue ::= SEQUENCE { size INTEGER, cookie OCTET STRING }.
/// </summary>
internal static class PagedResultsControl
{
    public const string Oid = "1.2.840.113556.1.4.319";

    public static LdapControl Create(int pageSize, byte[] cookie) => new(Oid, Critical: false, Encode(pageSize, cookie));

    public static byte[] Encode(int pageSize, ReadOnlySpan<byte> cookie)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteInteger(pageSize);
        writer.WriteOctetString(cookie);
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>The cookie of the server's response: empty when there is no further page.</summary>
    public static byte[] DecodeCookie(ReadOnlyMemory<byte> value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.BER);
        var sequence = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        sequence.ReadIntegerBytes(); // the server's estimate of the total, often 0
        return sequence.ReadOctetString();
    }
}
