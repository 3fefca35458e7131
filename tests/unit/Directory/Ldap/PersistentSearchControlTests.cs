using System.Formats.Asn1;
using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

public sealed class PersistentSearchControlTests
{
    [Fact]
    public void Request_value_is_changeTypes_changesOnly_returnECs()
    {
        // SEQUENCE { INTEGER 5 (add | modify), BOOLEAN TRUE, BOOLEAN TRUE }, worked out by hand from the
        // draft (DER: TRUE is FF).
        Assert.Equal(Convert.FromHexString("3009020105" + "0101FF" + "0101FF"),
            PersistentSearchControl.Encode(LdapChangeTypes.Add | LdapChangeTypes.Modify, changesOnly: true, returnEntryChanges: true));
        Assert.Equal(Convert.FromHexString("300902010F" + "010100" + "010100"),
            PersistentSearchControl.Encode(LdapChangeTypes.Add | LdapChangeTypes.Delete | LdapChangeTypes.Modify | LdapChangeTypes.ModDn, false, false));
    }

    [Fact]
    public void The_control_is_critical_with_the_netscape_oid()
    {
        var control = PersistentSearchControl.Create(LdapChangeTypes.Add, true, true);
        Assert.Equal("2.16.840.1.113730.3.4.3", control.Oid);
        Assert.True(control.Critical);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void No_change_type_or_an_unknown_one_is_refused(int types) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PersistentSearchControl.Encode((LdapChangeTypes)types, true, true));

    [Theory]
    // What 389 DS 2.3 sent with an entry added and then modified (captured from the stack).
    [InlineData("MAMKAQE=", 1)]
    [InlineData("MAMKAQQ=", 4)]
    public void Decodes_the_entry_change_notifications_389_DS_sends(string value, int expected)
    {
        var change = PersistentSearchControl.DecodeEntryChange(Convert.FromBase64String(value));
        Assert.Equal((LdapChangeTypes)expected, change.ChangeType);
        Assert.Null(change.PreviousDn);
        Assert.Null(change.ChangeNumber);
    }

    [Fact]
    public void Decodes_the_previous_DN_and_change_number_when_present()
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteEncodedValue([0x0A, 0x01, 0x08]); // ENUMERATED 8, modDN
        writer.WriteOctetString("cn=1,ou=old"u8);
        writer.WriteInteger(42);
        writer.PopSequence();

        var change = PersistentSearchControl.DecodeEntryChange(writer.Encode());

        Assert.Equal(LdapChangeTypes.ModDn, change.ChangeType);
        Assert.Equal("cn=1,ou=old", change.PreviousDn);
        Assert.Equal(42, change.ChangeNumber);
    }

    [Theory]
    [InlineData("30030A0103")] // change type 3: not one of 1, 2, 4, 8
    [InlineData("30030201 01")] // INTEGER, not ENUMERATED
    [InlineData("30030A010100")] // trailing byte outside the sequence
    [InlineData("3006 0A0101 020101 00")] // junk
    public void Anything_else_is_refused(string hex) =>
        Assert.ThrowsAny<AsnContentException>(() => PersistentSearchControl.DecodeEntryChange(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
}
