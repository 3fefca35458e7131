using System.DirectoryServices.Protocols;
using System.Formats.Asn1;
using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// The LDAP Read Entry controls (RFC 4527): with Pre-Read the server returns the entry's attributes
/// as they were right before the modify, with Post-Read as they are right after it, taken
/// atomically with it. 389 DS lists both (1.3.6.1.1.13.1, .2) in its root DSE; 389 DS 2.3 does not
/// support the Assertion control
/// (RFC 4528), which would otherwise be the tool for a conditional write. The control is sent
/// critical, so a server without it refuses the modify (unavailableCriticalExtension, 12).
/// S.DS.P has no class for it: the request value (an AttributeSelection) and the response value
/// (a SearchResultEntry, RFC 4511 section 4.5.2) are BER, written and read here with System.Formats.Asn1.
/// </summary>
internal static class ReadEntryControl
{
    public const string PostReadOid = "1.3.6.1.1.13.2";

    public const string PreReadOid = "1.3.6.1.1.13.1";

    /// <summary>SearchResultEntry is [APPLICATION 4] SEQUENCE.</summary>
    private static readonly Asn1Tag SearchResultEntryTag = new(TagClass.Application, 4, isConstructed: true);

    /// <summary>A control asking for <paramref name="attribute"/> after the operation.</summary>
    public static DirectoryControl PostRead(string attribute) => new(PostReadOid, EncodeRequest(attribute), isCritical: true, serverSide: true);

    /// <summary>A control asking for <paramref name="attributes"/> as they were before the operation.</summary>
    public static DirectoryControl PreRead(params string[] attributes) => new(PreReadOid, EncodeRequest(attributes), isCritical: true, serverSide: true);

    /// <summary>AttributeSelection ::= SEQUENCE OF LDAPString.</summary>
    public static byte[] EncodeRequest(params string[] attributes)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        foreach (var attribute in attributes) writer.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>
    /// The values of <paramref name="attribute"/> in the post-read entry of <paramref name="response"/>;
    /// null when the response carries no post-read control.
    /// </summary>
    public static List<byte[]>? PostReadValues(DirectoryResponse response, string attribute) => Values(response, PostReadOid, attribute);

    /// <summary>The values of <paramref name="attribute"/> in the pre-read entry; null when the response carries none.</summary>
    public static List<byte[]>? PreReadValues(DirectoryResponse response, string attribute) => Values(response, PreReadOid, attribute);

    private static List<byte[]>? Values(DirectoryResponse response, string oid, string attribute)
    {
        var control = response.Controls.FirstOrDefault(c => c.Type == oid);
        return control is null ? null : DecodeValues(control.GetValue(), attribute);
    }

    /// <summary>Reads a BER SearchResultEntry and returns the values of one attribute (none if absent).</summary>
    public static List<byte[]> DecodeValues(byte[] searchResultEntry, string attribute)
    {
        // BER, not DER: servers may send sets unsorted and lengths in any valid form.
        var reader = new AsnReader(searchResultEntry, AsnEncodingRules.BER);
        var entry = reader.ReadSequence(SearchResultEntryTag);
        reader.ThrowIfNotEmpty();
        entry.ReadOctetString(); // objectName
        var attributes = entry.ReadSequence();
        var values = new List<byte[]>();
        while (attributes.HasData)
        {
            var partial = attributes.ReadSequence();
            var type = Encoding.UTF8.GetString(partial.ReadOctetString());
            var set = partial.ReadSetOf(skipSortOrderValidation: true);
            if (!string.Equals(type, attribute, StringComparison.OrdinalIgnoreCase)) continue;
            while (set.HasData) values.Add(set.ReadOctetString());
        }
        return values;
    }
}
