using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

public sealed class LdapEscapingTests
{
    [Theory]
    [InlineData("jdoe", "jdoe")]
    [InlineData("*", "\\2a")]
    [InlineData(")(uid=*", "\\29\\28uid=\\2a")]
    [InlineData("x)(objectClass=*", "x\\29\\28objectClass=\\2a")]
    [InlineData("a\\b", "a\\5cb")]
    [InlineData("a\0b", "a\\00b")]
    [InlineData("é", "\\c3\\a9")]
    public void Filter_values_are_escaped_per_rfc4515(string value, string expected)
        => Assert.Equal(expected, LdapFilterValue.Escape(value));

    [Theory]
    [InlineData("6699", "6699")]
    [InlineData("12,ou=people", "12\\,ou\\=people")]
    [InlineData("a+b", "a\\+b")]
    [InlineData("\"q\"", "\\\"q\\\"")]
    [InlineData("<a>;", "\\<a\\>\\;")]
    [InlineData("#x", "\\#x")]
    [InlineData("x#", "x#")]
    [InlineData(" x ", "\\ x\\ ")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("a\0b", "a\\00b")]
    public void Dn_values_are_escaped_per_rfc4514(string value, string expected)
        => Assert.Equal(expected, LdapDnValue.Escape(value));

    [Fact]
    public void Child_dn_escapes_only_the_value()
        => Assert.Equal("cn=1\\,2,ou=certificateRepository,ou=ca,dc=example,dc=com",
            LdapDnValue.Child("cn", "1,2", "ou=certificateRepository,ou=ca,dc=example,dc=com"));
}
