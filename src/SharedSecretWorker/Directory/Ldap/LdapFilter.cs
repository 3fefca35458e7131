using System.Formats.Asn1;
using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// A search filter (RFC 4511 section 4.5.1.7) built in code, for <see cref="LdapProtocol.SearchRequest"/>:
/// only the forms the worker's own searches use. <see cref="ToString"/> gives the RFC 4515 text, for
/// messages and tests.
/// </summary>
internal abstract record LdapFilter
{
    private static readonly Asn1Tag AndTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag OrTag = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag EqualityTag = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag GreaterOrEqualTag = new(TagClass.ContextSpecific, 5, isConstructed: true);
    private static readonly Asn1Tag PresentTag = new(TagClass.ContextSpecific, 7);

    public static LdapFilter And(params LdapFilter[] filters) => new Composite(AndTag, '&', filters);

    public static LdapFilter Or(params LdapFilter[] filters) => new Composite(OrTag, '|', filters);

    public static LdapFilter Equal(string attribute, string value) => new Assertion(EqualityTag, "=", attribute, value);

    public static LdapFilter GreaterOrEqual(string attribute, string value) => new Assertion(GreaterOrEqualTag, ">=", attribute, value);

    public static LdapFilter Present(string attribute) => new Presence(attribute);

    public abstract void Write(AsnWriter writer);

    private sealed record Composite(Asn1Tag Tag, char Operator, LdapFilter[] Filters) : LdapFilter
    {
        public override void Write(AsnWriter writer)
        {
            writer.PushSetOf(Tag);
            foreach (var filter in Filters) filter.Write(writer);
            writer.PopSetOf(Tag);
        }

        public override string ToString() => $"({Operator}{string.Concat(Filters.Select(f => f.ToString()))})";
    }

    private sealed record Assertion(Asn1Tag Tag, string Operator, string Attribute, string Value) : LdapFilter
    {
        public override void Write(AsnWriter writer)
        {
            writer.PushSequence(Tag);
            writer.WriteOctetString(Encoding.UTF8.GetBytes(Attribute));
            writer.WriteOctetString(Encoding.UTF8.GetBytes(Value));
            writer.PopSequence(Tag);
        }

        public override string ToString() => $"({Attribute}{Operator}{LdapFilterValue.Escape(Value)})";
    }

    private sealed record Presence(string Attribute) : LdapFilter
    {
        public override void Write(AsnWriter writer) => writer.WriteOctetString(Encoding.UTF8.GetBytes(Attribute), PresentTag);

        public override string ToString() => $"({Attribute}=*)";
    }
}
