using System.Formats.Asn1;
using System.Numerics;
using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>An LDAP control (RFC 4511 section 4.1.11) as sent or received.</summary>
internal sealed record LdapControl(string Oid, bool Critical, byte[]? Value);

/// <summary>One LDAPMessage read from the wire: its id, the protocolOp's tag and encoding, and its controls.</summary>
internal sealed record LdapMessage(int MessageId, Asn1Tag Operation, ReadOnlyMemory<byte> Body, IReadOnlyList<LdapControl> Controls)
{
    public LdapControl? Control(string oid) => Controls.FirstOrDefault(c => c.Oid == oid);
}

/// <summary>An LDAPResult (RFC 4511 section 4.1.9).</summary>
internal sealed record LdapResult(int Code, string MatchedDn, string Diagnostic);

/// <summary>A SearchResultEntry: the DN and every attribute's values (names compared ignoring case).</summary>
internal sealed record LdapEntry(string Dn, IReadOnlyDictionary<string, IReadOnlyList<byte[]>> Attributes)
{
    public IReadOnlyList<byte[]> Values(string attribute) => Attributes.TryGetValue(attribute, out var values) ? values : [];

    public IReadOnlyList<string> Strings(string attribute) => Values(attribute).Select(v => Encoding.UTF8.GetString(v)).ToList();

    public string? First(string attribute) => Values(attribute) is [var first, ..] ? Encoding.UTF8.GetString(first) : null;
}

/// <summary>Search scope values of a SearchRequest.</summary>
internal enum LdapScope
{
    BaseObject = 0,
    SingleLevel = 1,
    WholeSubtree = 2,
}

/// <summary>
/// The few LDAPv3 messages (RFC 4511) the worker exchanges on a connection of its own, where
/// System.DirectoryServices.Protocols cannot help: a search that never ends (persistent search)
/// beside other searches on the same connection. Written and read as BER with System.Formats.Asn1.
/// </summary>
internal static class LdapProtocol
{
    public const int Version = 3;

    public static readonly Asn1Tag BindRequestTag = new(TagClass.Application, 0, isConstructed: true);
    public static readonly Asn1Tag BindResponseTag = new(TagClass.Application, 1, isConstructed: true);
    public static readonly Asn1Tag UnbindRequestTag = new(TagClass.Application, 2);
    public static readonly Asn1Tag SearchRequestTag = new(TagClass.Application, 3, isConstructed: true);
    public static readonly Asn1Tag SearchResultEntryTag = new(TagClass.Application, 4, isConstructed: true);
    public static readonly Asn1Tag SearchResultDoneTag = new(TagClass.Application, 5, isConstructed: true);
    public static readonly Asn1Tag AbandonRequestTag = new(TagClass.Application, 16);
    public static readonly Asn1Tag SearchResultReferenceTag = new(TagClass.Application, 19, isConstructed: true);
    public static readonly Asn1Tag ExtendedRequestTag = new(TagClass.Application, 23, isConstructed: true);
    public static readonly Asn1Tag ExtendedResponseTag = new(TagClass.Application, 24, isConstructed: true);

    private static readonly Asn1Tag ControlsTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag SimpleAuthenticationTag = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag ExtendedRequestNameTag = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag ExtendedRequestValueTag = new(TagClass.ContextSpecific, 1);

    /// <summary>The StartTLS extended operation (RFC 4511 section 4.14).</summary>
    public const string StartTlsOid = "1.3.6.1.4.1.1466.20037";

    /// <summary>The Notice of Disconnection a server sends (message id 0) before it closes a connection.</summary>
    public const string NoticeOfDisconnectionOid = "1.3.6.1.4.1.1466.20036";

    /// <summary>The attribute list that asks for no attribute (RFC 4511 section 4.5.1.8).</summary>
    public const string NoAttributes = "1.1";

    private enum DerefAliases
    {
        Never = 0,
    }

    public static byte[] BindRequest(int messageId, string dn, ReadOnlySpan<byte> password)
    {
        var writer = Start(messageId);
        writer.PushSequence(BindRequestTag);
        writer.WriteInteger(Version);
        writer.WriteOctetString(Encoding.UTF8.GetBytes(dn));
        writer.WriteOctetString(password, SimpleAuthenticationTag);
        writer.PopSequence(BindRequestTag);
        return Finish(writer, null);
    }

    public static byte[] SearchRequest(int messageId, string baseDn, LdapScope scope, LdapFilter filter, IReadOnlyList<string> attributes,
        IReadOnlyList<LdapControl>? controls = null)
    {
        var writer = Start(messageId);
        writer.PushSequence(SearchRequestTag);
        writer.WriteOctetString(Encoding.UTF8.GetBytes(baseDn));
        writer.WriteEnumeratedValue(scope);
        writer.WriteEnumeratedValue(DerefAliases.Never);
        writer.WriteInteger(0); // sizeLimit: the server's own
        writer.WriteInteger(0); // timeLimit: the server's own
        writer.WriteBoolean(false); // typesOnly
        filter.Write(writer);
        writer.PushSequence();
        foreach (var attribute in attributes) writer.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
        writer.PopSequence();
        writer.PopSequence(SearchRequestTag);
        return Finish(writer, controls);
    }

    public static byte[] ExtendedRequest(int messageId, string oid, byte[]? value = null)
    {
        var writer = Start(messageId);
        writer.PushSequence(ExtendedRequestTag);
        writer.WriteOctetString(Encoding.ASCII.GetBytes(oid), ExtendedRequestNameTag);
        if (value is not null) writer.WriteOctetString(value, ExtendedRequestValueTag);
        writer.PopSequence(ExtendedRequestTag);
        return Finish(writer, null);
    }

    public static byte[] AbandonRequest(int messageId, int abandoned)
    {
        var writer = Start(messageId);
        writer.WriteInteger(abandoned, AbandonRequestTag);
        return Finish(writer, null);
    }

    public static byte[] UnbindRequest(int messageId)
    {
        var writer = Start(messageId);
        writer.WriteNull(UnbindRequestTag);
        return Finish(writer, null);
    }

    private static AsnWriter Start(int messageId)
    {
        // BER (not DER): a SET OF in a filter keeps the order it was given.
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteInteger(messageId);
        return writer;
    }

    private static byte[] Finish(AsnWriter writer, IReadOnlyList<LdapControl>? controls)
    {
        if (controls is { Count: > 0 })
        {
            writer.PushSequence(ControlsTag);
            foreach (var control in controls)
            {
                writer.PushSequence();
                writer.WriteOctetString(Encoding.ASCII.GetBytes(control.Oid));
                if (control.Critical) writer.WriteBoolean(true);
                if (control.Value is not null) writer.WriteOctetString(control.Value);
                writer.PopSequence();
            }
            writer.PopSequence(ControlsTag);
        }
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>Reads one LDAPMessage (the whole TLV, as <see cref="LdapFraming"/> returns it).</summary>
    /// <exception cref="AsnContentException">Not an LDAPMessage.</exception>
    public static LdapMessage ReadMessage(ReadOnlyMemory<byte> encoded)
    {
        var reader = new AsnReader(encoded, AsnEncodingRules.BER);
        var message = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        if (!message.TryReadInt32(out var messageId) || messageId < 0)
            throw new AsnContentException("The message id is not a non-negative 32-bit integer.");
        var operation = message.PeekTag();
        var body = message.ReadEncodedValue();
        var controls = new List<LdapControl>();
        if (message.HasData && message.PeekTag().HasSameClassAndValue(ControlsTag))
        {
            var list = message.ReadSequence(ControlsTag);
            while (list.HasData)
            {
                var control = list.ReadSequence();
                var oid = Encoding.ASCII.GetString(control.ReadOctetString());
                var critical = control.HasData && control.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && control.ReadBoolean();
                var value = control.HasData ? control.ReadOctetString() : null;
                controls.Add(new LdapControl(oid, critical, value));
            }
        }
        return new LdapMessage(messageId, operation, body, controls);
    }

    /// <summary>
    /// The LDAPResult of a response (BindResponse, SearchResultDone, ExtendedResponse, ...): the first
    /// three components of its SEQUENCE; what follows them (referral, SASL credentials, the extended
    /// response's name and value) is not needed here.
    /// </summary>
    public static LdapResult ReadResult(LdapMessage message)
    {
        var response = new AsnReader(message.Body, AsnEncodingRules.BER).ReadSequence(message.Operation);
        var code = (int)new BigInteger(response.ReadEnumeratedBytes().Span, isUnsigned: false, isBigEndian: true);
        var matched = Encoding.UTF8.GetString(response.ReadOctetString());
        var diagnostic = Encoding.UTF8.GetString(response.ReadOctetString());
        return new LdapResult(code, matched, diagnostic);
    }

    /// <summary>A SearchResultEntry: DN and attributes, values as sent (BER: sets in any order).</summary>
    public static LdapEntry ReadEntry(LdapMessage message) => ReadEntry(message.Body);

    public static LdapEntry ReadEntry(ReadOnlyMemory<byte> searchResultEntry)
    {
        var entry = new AsnReader(searchResultEntry, AsnEncodingRules.BER).ReadSequence(SearchResultEntryTag);
        var dn = Encoding.UTF8.GetString(entry.ReadOctetString());
        var attributes = new Dictionary<string, IReadOnlyList<byte[]>>(StringComparer.OrdinalIgnoreCase);
        var list = entry.ReadSequence();
        while (list.HasData)
        {
            var attribute = list.ReadSequence();
            var type = Encoding.UTF8.GetString(attribute.ReadOctetString());
            var set = attribute.ReadSetOf(skipSortOrderValidation: true);
            var values = new List<byte[]>();
            while (set.HasData) values.Add(set.ReadOctetString());
            attributes[type] = attributes.TryGetValue(type, out var earlier) ? [.. earlier, .. values] : values;
        }
        return new LdapEntry(dn, attributes);
    }

    /// <summary>Whether a message is the last one of its operation (everything but a search's entries and references).</summary>
    public static bool IsFinal(LdapMessage message) =>
        !message.Operation.HasSameClassAndValue(SearchResultEntryTag) && !message.Operation.HasSameClassAndValue(SearchResultReferenceTag);
}
