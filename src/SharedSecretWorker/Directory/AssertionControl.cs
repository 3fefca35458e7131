using System.DirectoryServices.Protocols;
using System.Formats.Asn1;
using System.Text;

namespace SharedSecretWorker.Directory;

/// <summary>
/// The LDAP Assertion control (RFC 4528): the server applies the operation only if the entry
/// matches the filter, else answers assertionFailed (122), atomically with the operation. 389
/// Directory Server supports it (its root DSE lists 1.3.6.1.1.12). The control is sent critical,
/// so a server that does not know it refuses the operation (unavailableCriticalExtension, 12)
/// instead of silently ignoring the condition.
/// The control value is the filter's BER encoding (RFC 4511 section 4.5.1), written here with
/// AsnWriter since S.DS.P has no filter encoder.
/// </summary>
internal static class AssertionControl
{
    public const string Oid = "1.3.6.1.1.12";

    // Filter CHOICE tags (RFC 4511 section 4.5.1). "not" wraps a Filter, itself a CHOICE, so its
    // tag is explicit; "substrings" tags a SEQUENCE implicitly; "initial" tags an OCTET STRING implicitly.
    private static readonly Asn1Tag NotTag = new(TagClass.ContextSpecific, 2, isConstructed: true);
    private static readonly Asn1Tag SubstringsTag = new(TagClass.ContextSpecific, 4, isConstructed: true);
    private static readonly Asn1Tag InitialTag = new(TagClass.ContextSpecific, 0);

    /// <summary>A control asserting <c>(!(attribute=prefix*))</c>: no value of the attribute starts with the prefix.</summary>
    public static DirectoryControl NoValueStartingWith(string attribute, string prefix)
        => new(Oid, EncodeNotInitialSubstring(attribute, prefix), isCritical: true, serverSide: true);

    /// <summary>BER of <c>(!(attribute=prefix*))</c>.</summary>
    public static byte[] EncodeNotInitialSubstring(string attribute, string prefix)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence(NotTag);
        writer.PushSequence(SubstringsTag);
        writer.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
        writer.PushSequence();
        writer.WriteOctetString(Encoding.UTF8.GetBytes(prefix), InitialTag);
        writer.PopSequence();
        writer.PopSequence(SubstringsTag);
        writer.PopSequence(NotTag);
        return writer.Encode();
    }
}
