using SharedSecretWorker.Directory;
using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

public sealed class LdapFailuresTests
{
    [Theory]
    [InlineData(32, DirectoryFailure.UnknownSerial)]
    [InlineData(50, DirectoryFailure.Forbidden)]
    [InlineData(49, DirectoryFailure.AuthenticationFailed)]
    [InlineData(19, DirectoryFailure.Rejected)]
    [InlineData(21, DirectoryFailure.Rejected)]
    [InlineData(65, DirectoryFailure.Rejected)]
    [InlineData(53, DirectoryFailure.Rejected)]
    [InlineData(51, DirectoryFailure.Unavailable)]
    [InlineData(52, DirectoryFailure.Unavailable)]
    [InlineData(81, DirectoryFailure.Unavailable)]
    [InlineData(85, DirectoryFailure.Unavailable)]
    [InlineData(91, DirectoryFailure.Unavailable)]
    [InlineData(3, DirectoryFailure.Unavailable)]
    [InlineData(16, DirectoryFailure.Conflict)]
    public void Result_codes_map_to_what_the_caller_does(int code, DirectoryFailure expected)
        => Assert.Equal(expected, LdapFailures.KindOf(code, DirectoryFailure.UnknownSerial));

    [Theory]
    [InlineData(DirectoryFailure.Unavailable, true)]
    [InlineData(DirectoryFailure.Conflict, true)]
    [InlineData(DirectoryFailure.Forbidden, false)]
    [InlineData(DirectoryFailure.Rejected, false)]
    [InlineData(DirectoryFailure.UnknownUid, false)]
    public void Transient_kinds(DirectoryFailure kind, bool transient)
        => Assert.Equal(transient, new DirectoryException(kind, "m").IsTransient);

    [Fact]
    public void Message_names_dn_and_code_and_redacts_the_token()
    {
        var message = LdapFailures.Describe("Storing", "cn=6699,ou=certificateRepository", 19,
            "value revShrTok:QUJDREVG violates a constraint", "QUJDREVG");
        Assert.Contains("cn=6699,ou=certificateRepository", message, StringComparison.Ordinal);
        Assert.Contains("LDAP result 19 (ConstraintViolation)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("QUJDREVG", message, StringComparison.Ordinal);
    }
}
