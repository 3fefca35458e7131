using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

public sealed class LdapEndpointTests
{
    [Theory]
    [InlineData("ldap://127.0.0.1:3389", "127.0.0.1", 3389, false)]
    [InlineData("ldaps://localhost:3636", "localhost", 3636, true)]
    [InlineData("ldap://ldap.example.com", "ldap.example.com", 389, false)]
    [InlineData("ldaps://ldap.example.com/", "ldap.example.com", 636, true)]
    public void Parses(string url, string host, int port, bool ldaps)
    {
        Assert.True(LdapEndpoint.TryParse(url, out var endpoint, out var error), error);
        Assert.Equal(new LdapEndpoint(host, port, ldaps), endpoint);
    }

    [Theory]
    [InlineData("ldap://127.0.0.1:389/ou=people")]
    [InlineData("ldap://user@127.0.0.1")]
    [InlineData("ldapi:///var/run/slapd.sock")]
    [InlineData("127.0.0.1")]
    public void Refuses(string url) => Assert.False(LdapEndpoint.TryParse(url, out _, out _));
}
