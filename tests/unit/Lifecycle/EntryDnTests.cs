using SharedSecretWorker.Lifecycle;

namespace SharedSecretWorker.Tests.Unit.Lifecycle;

public sealed class EntryDnTests
{
    private const string People = "ou=people,dc=example,dc=com";

    [Theory]
    [InlineData("uid=jdoe,ou=people,dc=example,dc=com")]
    [InlineData("UID=jdoe,OU=people,DC=example,DC=com")] // as Dogtag's X500Name prints a subject
    [InlineData("uid=JDoe, ou=People, dc=Example, dc=com")]
    [InlineData("uid=jdoe,ou=staff,ou=people,dc=example,dc=com")]
    [InlineData("cn=Doe\\, John,ou=people,dc=example,dc=com")]
    [InlineData("cn=a+uid=jdoe,ou=people,dc=example,dc=com")]
    [InlineData("uid=jdoe;ou=people;dc=example;dc=com")]
    public void Entries_below_the_base_are_recognised_however_they_are_written(string dn) => Assert.True(EntryDn.IsBelow(dn, People));

    [Theory]
    [InlineData("ou=people,dc=example,dc=com")] // the base itself
    [InlineData("dc=example,dc=com")]
    [InlineData("uid=jdoe,ou=people,dc=example,dc=org")]
    [InlineData("uid=jdoe,ou=people2,dc=example,dc=com")]
    [InlineData("uid=ou\\=people,dc=example,dc=com")]
    [InlineData("cn=Web Server,o=Example")]
    [InlineData("not a dn")]
    [InlineData("uid=,ou=people,dc=example,dc=com")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_not(string? dn) => Assert.False(EntryDn.IsBelow(dn, People));

    [Fact]
    public void Escapes_are_undone_and_multi_valued_RDNs_are_ordered() =>
        Assert.Equal(["cn=doe, john", "cn=a+uid=x", "o=ex"], EntryDn.Parse("CN=Doe\\2C John,uid=x+cn=a,o=ex"));
}
