using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Unit.Directory;

public sealed class AssertionControlTests
{
    [Fact]
    public void Encodes_not_initial_substring_filter_as_rfc4511_ber()
    {
        // Worked out by hand from RFC 4511 section 4.5.1:
        // not [2] (explicit, constructed A2) { substrings [4] (implicit SEQUENCE, A4) {
        //   type OCTET STRING "metaInfo", SEQUENCE { initial [0] (80) "revShrTok:" } } }
        var expected = Convert.FromHexString(
            "A21A" + "A418" + "0408" + Hex("metaInfo") + "300C" + "800A" + Hex("revShrTok:"));
        Assert.Equal(expected, AssertionControl.EncodeNotInitialSubstring("metaInfo", "revShrTok:"));
    }

    [Fact]
    public void Control_is_critical_and_carries_the_rfc4528_oid()
    {
        var control = AssertionControl.NoValueStartingWith("metaInfo", "revShrTok:");
        Assert.Equal("1.3.6.1.1.12", control.Type);
        Assert.True(control.IsCritical);
        Assert.True(control.ServerSide);
        Assert.Equal(AssertionControl.EncodeNotInitialSubstring("metaInfo", "revShrTok:"), control.GetValue());
    }

    private static string Hex(string ascii) => Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(ascii));
}
