using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Requests;

/// <summary>One target key for the lock, compared as the directory compares: uid by caseIgnoreMatch, serial in decimal.</summary>
public sealed class RequestTargetTests
{
    [Theory]
    [InlineData("jdoe", "JDoe")]
    [InlineData("jdoe", "JDOE")]
    [InlineData("j doe", "J  Doe")]
    [InlineData("mary-ann.o'neil", "Mary-Ann.O'Neil")]
    public void Uids_the_directory_treats_as_one_have_one_key(string a, string b) =>
        Assert.Equal(new RequestTarget.User(a).Key, new RequestTarget.User(b).Key);

    [Theory]
    [InlineData("jdoe", "jdoe2")]
    [InlineData("jdoe", "j doe")]
    [InlineData("j.doe", "j-doe")]
    public void Different_uids_have_different_keys(string a, string b) =>
        Assert.NotEqual(new RequestTarget.User(a).Key, new RequestTarget.User(b).Key);

    [Fact]
    public void A_serial_has_one_key_however_it_is_spelt()
    {
        Assert.True(CertificateSerial.TryParse("0x1A2B", out var hex, out _));
        Assert.True(CertificateSerial.TryParse("6699", out var dec, out _));
        Assert.Equal("serial:6699", new RequestTarget.Certificate(hex).Key);
        Assert.Equal(new RequestTarget.Certificate(hex).Key, new RequestTarget.Certificate(dec).Key);
    }

    [Fact]
    public void A_uid_and_a_serial_never_share_a_key() =>
        Assert.NotEqual(new RequestTarget.User("6699").Key, new RequestTarget.Certificate(CertificateSerial.TryParse("6699", out var s, out _) ? s : default).Key);
}
