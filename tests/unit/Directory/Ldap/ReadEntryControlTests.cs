using System.Text;
using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

public sealed class ReadEntryControlTests
{
    /// <summary>
    /// The control value 389 DS 2.3 returned to <c>ldapmodify -e '!postread=metaInfo'</c> after
    /// adding <c>revShrTok:TESTVALUE</c> to cn=1003 (captured from the stack).
    /// </summary>
    private const string ServerResponse =
        "ZIGKBDhjbj0xMDAzLG91PWNlcnRpZmljYXRlUmVwb3NpdG9yeSxvdT1jYSxkYz1leGFtcGxlLGRjPWNvbTBOMEwECG1ldGFJbmZvMUAEDHJlcXVlc3RJZDoxMwQbcHJvZmlsZUlkOmNhRnVsbENNQ1VzZXJDZXJ0BBNyZXZTaHJUb2s6VEVTVFZBTFVF";

    [Fact]
    public void Request_value_is_an_attribute_selection()
    {
        // SEQUENCE { OCTET STRING "metaInfo" }, worked out by hand from RFC 4527 / RFC 4511.
        var expected = Convert.FromHexString("300A0408" + Convert.ToHexString(Encoding.ASCII.GetBytes("metaInfo")));
        Assert.Equal(expected, ReadEntryControl.EncodeRequest("metaInfo"));
    }

    [Fact]
    public void Control_is_critical_and_carries_the_rfc4527_oid()
    {
        var control = ReadEntryControl.PostRead("metaInfo");
        Assert.Equal("1.3.6.1.1.13.2", control.Type);
        Assert.True(control.IsCritical);
        Assert.True(control.ServerSide);
    }

    [Fact]
    public void Decodes_the_entry_389_DS_returns()
    {
        var values = ReadEntryControl.DecodeValues(Convert.FromBase64String(ServerResponse), "metaInfo")
            .Select(Encoding.UTF8.GetString).ToList();
        Assert.Equal(["requestId:13", "profileId:caFullCMCUserCert", "revShrTok:TESTVALUE"], values);
    }

    [Fact]
    public void Attribute_names_match_ignoring_case_and_absent_ones_give_nothing()
    {
        var bytes = Convert.FromBase64String(ServerResponse);
        Assert.Equal(3, ReadEntryControl.DecodeValues(bytes, "METAINFO").Count);
        Assert.Empty(ReadEntryControl.DecodeValues(bytes, "shrTok"));
    }

    [Fact]
    public void Garbage_is_refused()
        => Assert.ThrowsAny<System.Formats.Asn1.AsnContentException>(() => ReadEntryControl.DecodeValues([0x64, 0x05, 0x04], "metaInfo"));
}
