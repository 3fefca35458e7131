using System.Formats.Asn1;
using System.Text;
using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

/// <summary>The LDAP messages of the worker's own connection (RFC 4511), byte for byte where it matters.</summary>
public sealed class LdapProtocolTests
{
    [Fact]
    public void A_simple_bind_is_version_3_name_and_context_0_password()
    {
        // SEQUENCE { INTEGER 1, [APPLICATION 0] { INTEGER 3, OCTET STRING "cn=a", [0] "pw" } }
        Assert.Equal(Convert.FromHexString("30 12 020101 600D 020103 0404 636E3D61 8002 7077".Replace(" ", "", StringComparison.Ordinal)),
            LdapProtocol.BindRequest(1, "cn=a", "pw"u8));
    }

    [Fact]
    public void A_search_carries_scope_filter_attributes_and_controls()
    {
        var control = PersistentSearchControl.Create(LdapChangeTypes.Add, true, true);
        var bytes = LdapProtocol.SearchRequest(7, "ou=r", LdapScope.WholeSubtree, LdapFilter.Equal("objectClass", "certificateRecord"), ["cn", "metaInfo"], [control]);

        var message = new AsnReader(bytes, AsnEncodingRules.BER).ReadSequence();
        Assert.True(message.TryReadInt32(out var id));
        Assert.Equal(7, id);
        var search = message.ReadSequence(LdapProtocol.SearchRequestTag);
        Assert.Equal("ou=r", Encoding.UTF8.GetString(search.ReadOctetString()));
        Assert.Equal(LdapScope.WholeSubtree, search.ReadEnumeratedValue<LdapScope>());
        search.ReadEnumeratedBytes(); // derefAliases
        Assert.True(search.TryReadInt32(out var sizeLimit) && sizeLimit == 0);
        Assert.True(search.TryReadInt32(out var timeLimit) && timeLimit == 0);
        Assert.False(search.ReadBoolean());
        var equality = search.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true));
        Assert.Equal("objectClass", Encoding.UTF8.GetString(equality.ReadOctetString()));
        Assert.Equal("certificateRecord", Encoding.UTF8.GetString(equality.ReadOctetString()));
        var attributes = search.ReadSequence();
        Assert.Equal("cn", Encoding.UTF8.GetString(attributes.ReadOctetString()));
        Assert.Equal("metaInfo", Encoding.UTF8.GetString(attributes.ReadOctetString()));
        var controls = message.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        var only = controls.ReadSequence();
        Assert.Equal(PersistentSearchControl.Oid, Encoding.ASCII.GetString(only.ReadOctetString()));
        Assert.True(only.ReadBoolean());
        Assert.Equal(control.Value, only.ReadOctetString());
        Assert.False(controls.HasData);
    }

    [Fact]
    public void Filters_encode_as_RFC_4511_choices_and_print_as_RFC_4515()
    {
        var filter = LdapFilter.And(LdapFilter.Equal("objectClass", "certificateRecord"),
            LdapFilter.Or(LdapFilter.GreaterOrEqual("dateOfCreate", "20261127120000Z"), LdapFilter.Present("revokedOn")));
        Assert.Equal("(&(objectClass=certificateRecord)(|(dateOfCreate>=20261127120000Z)(revokedOn=*)))", filter.ToString());

        var writer = new AsnWriter(AsnEncodingRules.BER);
        filter.Write(writer);
        var and = new AsnReader(writer.Encode(), AsnEncodingRules.BER).ReadSetOf(true, new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        and.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true));
        var or = and.ReadSetOf(true, new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
        var greater = or.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 5, isConstructed: true));
        Assert.Equal("dateOfCreate", Encoding.UTF8.GetString(greater.ReadOctetString()));
        Assert.Equal("revokedOn", Encoding.UTF8.GetString(or.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 7))));
    }

    [Fact]
    public void Filter_text_escapes_values() =>
        Assert.Equal(@"(cn=a\2a\28b\29)", LdapFilter.Equal("cn", "a*(b)").ToString());

    [Fact]
    public void Abandon_and_unbind_are_primitive_application_tags()
    {
        Assert.Equal(Convert.FromHexString("3006020103500102"), LdapProtocol.AbandonRequest(3, 2));
        Assert.Equal(Convert.FromHexString("30050201044200"), LdapProtocol.UnbindRequest(4));
        // SEQUENCE { INTEGER 1, [APPLICATION 23] { [0] "1.3.6.1.4.1.1466.20037" } }
        Assert.Equal(Convert.FromHexString("301D020101771880 16" .Replace(" ", "", StringComparison.Ordinal) + Convert.ToHexString("1.3.6.1.4.1.1466.20037"u8)),
            LdapProtocol.ExtendedRequest(1, LdapProtocol.StartTlsOid));
    }

    /// <summary>A SearchResultEntry with an entry change notification, as 389 DS sends it for an added record.</summary>
    private static byte[] EntryMessage(int id)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteInteger(id);
        writer.PushSequence(LdapProtocol.SearchResultEntryTag);
        writer.WriteOctetString("cn=7,ou=r"u8);
        writer.PushSequence();
        writer.PushSequence();
        writer.WriteOctetString("metaInfo"u8);
        writer.PushSetOf();
        writer.WriteOctetString("requestId:7"u8);
        writer.WriteOctetString("revShrTok:QUJD"u8);
        writer.PopSetOf();
        writer.PopSequence();
        writer.PushSequence();
        writer.WriteOctetString("cn"u8);
        writer.PushSetOf();
        writer.WriteOctetString("7"u8);
        writer.PopSetOf();
        writer.PopSequence();
        writer.PopSequence();
        writer.PopSequence(LdapProtocol.SearchResultEntryTag);
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        writer.PushSequence();
        writer.WriteOctetString(Encoding.ASCII.GetBytes(PersistentSearchControl.EntryChangeNotificationOid));
        writer.WriteOctetString(Convert.FromBase64String("MAMKAQE="));
        writer.PopSequence();
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        writer.PopSequence();
        return writer.Encode();
    }

    [Fact]
    public void Reads_an_entry_with_its_controls()
    {
        var message = LdapProtocol.ReadMessage(EntryMessage(9));

        Assert.Equal(9, message.MessageId);
        Assert.False(LdapProtocol.IsFinal(message));
        var entry = LdapProtocol.ReadEntry(message);
        Assert.Equal("cn=7,ou=r", entry.Dn);
        Assert.Equal(["requestId:7", "revShrTok:QUJD"], entry.Strings("METAINFO"));
        Assert.Equal("7", entry.First("cn"));
        Assert.Null(entry.First("subjectName"));
        var ecn = message.Control(PersistentSearchControl.EntryChangeNotificationOid);
        Assert.NotNull(ecn);
        Assert.Equal(LdapChangeTypes.Add, PersistentSearchControl.DecodeEntryChange(ecn!.Value!).ChangeType);
    }

    [Fact]
    public void Reads_a_result()
    {
        // SEQUENCE { INTEGER 2, [APPLICATION 5] { ENUMERATED 12, "", "no psearch" } }
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteInteger(2);
        writer.PushSequence(LdapProtocol.SearchResultDoneTag);
        writer.WriteEnumeratedValue((LdapScope)12);
        writer.WriteOctetString([]);
        writer.WriteOctetString("no psearch"u8);
        writer.PopSequence(LdapProtocol.SearchResultDoneTag);
        writer.PopSequence();

        var message = LdapProtocol.ReadMessage(writer.Encode());

        Assert.True(LdapProtocol.IsFinal(message));
        Assert.Equal(new LdapResult(12, "", "no psearch"), LdapProtocol.ReadResult(message));
        Assert.Empty(message.Controls);
    }

    [Fact]
    public void Paged_results_cookies_go_round()
    {
        var value = PagedResultsControl.Encode(500, [1, 2, 3]);
        Assert.Equal(Convert.FromHexString("300902020 1F4 0403 010203".Replace(" ", "", StringComparison.Ordinal)), value);
        Assert.Equal([1, 2, 3], PagedResultsControl.DecodeCookie(value));
        Assert.Empty(PagedResultsControl.DecodeCookie(PagedResultsControl.Encode(1, [])));
    }

    [Fact]
    public async Task Framing_reads_whole_messages_short_and_long_form()
    {
        var small = LdapProtocol.UnbindRequest(1);
        var large = LdapProtocol.SearchRequest(2, new string('x', 300), LdapScope.BaseObject, LdapFilter.Present("objectClass"), ["1.1"]);
        Assert.Equal(0x82, large[1]); // two length octets
        using var stream = new MemoryStream([.. small, .. large]);

        Assert.Equal(small, await LdapFraming.ReadAsync(stream, CancellationToken.None));
        Assert.Equal(large, await LdapFraming.ReadAsync(stream, CancellationToken.None));
        Assert.Null(await LdapFraming.ReadAsync(stream, CancellationToken.None));
    }

    [Theory]
    [InlineData("04020000")] // not a SEQUENCE
    [InlineData("3080")] // indefinite length
    [InlineData("3085FFFFFFFFFF")] // five length octets
    [InlineData("3084 7FFFFFFF")] // longer than accepted
    public async Task Framing_refuses_what_is_not_an_LDAP_message(string hex)
    {
        using var stream = new MemoryStream(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await LdapFraming.ReadAsync(stream, CancellationToken.None));
    }

    [Fact]
    public async Task Framing_notices_a_message_cut_short()
    {
        using var stream = new MemoryStream(Convert.FromHexString("300502010442"));
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await LdapFraming.ReadAsync(stream, CancellationToken.None));
    }
}
