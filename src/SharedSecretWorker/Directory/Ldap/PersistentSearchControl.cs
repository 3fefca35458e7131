using System.Formats.Asn1;
using System.Numerics;
using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>Change types of the persistent search and of its entry change notifications (bit values of the drafts).</summary>
[Flags]
internal enum LdapChangeTypes
{
    None = 0,
    Add = 1,
    Delete = 2,
    Modify = 4,
    ModDn = 8,
}

/// <summary>What an Entry Change Notification control says about one entry.</summary>
/// <param name="ChangeType">add, delete, modify or modDN (exactly one bit).</param>
/// <param name="PreviousDn">For modDN: the entry's DN before.</param>
/// <param name="ChangeNumber">The server's change number, when it has a change log.</param>
internal sealed record EntryChange(LdapChangeTypes ChangeType, string? PreviousDn, long? ChangeNumber);

/// <summary>
/// The Persistent Search control (draft-ietf-ldapext-psearch-03, OID 2.16.840.1.113730.3.4.3),
/// which 389 DS supports: a search that does not end, the server sending each entry that changes
/// afterwards, each with an Entry Change Notification control (2.16.840.1.113730.3.4.7) saying
/// how it changed. Neither has a class in System.DirectoryServices.Protocols; both values are BER,
/// written and read here with System.Formats.Asn1.
/// </summary>
internal static class PersistentSearchControl
{
    public const string Oid = "2.16.840.1.113730.3.4.3";

    public const string EntryChangeNotificationOid = "2.16.840.1.113730.3.4.7";

    /// <summary>
    /// The control, critical (a server without it must refuse the search rather than run an
    /// ordinary one that ends at once). PersistentSearch ::= SEQUENCE { changeTypes INTEGER,
    /// changesOnly BOOLEAN, returnECs BOOLEAN }.
    /// </summary>
    public static LdapControl Create(LdapChangeTypes changeTypes, bool changesOnly, bool returnEntryChanges) =>
        new(Oid, Critical: true, Encode(changeTypes, changesOnly, returnEntryChanges));

    public static byte[] Encode(LdapChangeTypes changeTypes, bool changesOnly, bool returnEntryChanges)
    {
        if (changeTypes == LdapChangeTypes.None || ((int)changeTypes & ~0xF) != 0)
            throw new ArgumentOutOfRangeException(nameof(changeTypes), changeTypes, "One or more of add, delete, modify, modDN.");
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteInteger((int)changeTypes);
        writer.WriteBoolean(changesOnly);
        writer.WriteBoolean(returnEntryChanges);
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>
    /// EntryChangeNotification ::= SEQUENCE { changeType ENUMERATED { add (1), delete (2), modify (4),
    /// modDN (8) }, previousDN LDAPDN OPTIONAL, changeNumber INTEGER OPTIONAL }.
    /// </summary>
    /// <exception cref="AsnContentException">Not an entry change notification.</exception>
    public static EntryChange DecodeEntryChange(ReadOnlyMemory<byte> value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.BER);
        var sequence = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var type = (long)new BigInteger(sequence.ReadEnumeratedBytes().Span, isUnsigned: false, isBigEndian: true);
        if (type is not (1 or 2 or 4 or 8))
            throw new AsnContentException($"Change type {type} is not add (1), delete (2), modify (4) or modDN (8).");
        string? previous = null;
        long? number = null;
        if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            previous = Encoding.UTF8.GetString(sequence.ReadOctetString());
        if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            if (!sequence.TryReadInt64(out var n)) throw new AsnContentException("The change number does not fit 64 bits.");
            number = n;
        }
        sequence.ThrowIfNotEmpty();
        return new EntryChange((LdapChangeTypes)(int)type, previous, number);
    }
}
