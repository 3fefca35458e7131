using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

/// <summary>
/// Bad input is refused before any LDAP call: the store points at a closed port, so an attempted
/// call would surface as Unavailable instead of the input error asserted here.
/// </summary>
public sealed class LdapDirectoryStoreInputTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-dir-store-").FullName;
    private readonly LdapDirectoryStore _store;

    public LdapDirectoryStoreInputTests()
    {
        var password = Path.Combine(_dir, "pw");
        File.WriteAllText(password, "pw");
        _store = new LdapDirectoryStore(Options.Create(new DirectoryOptions
        {
            Url = "ldap://127.0.0.1:1",
            BindDn = "cn=worker",
            BindPasswordFile = password,
            PeopleBase = "ou=people,dc=example,dc=com",
            CertificateRepositoryBase = "ou=certificateRepository,ou=ca,dc=example,dc=com",
        }), NullLogger<LdapDirectoryStore>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        System.IO.Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string> BadUids => new() { "", "a\0b", new string('a', 20_000), "jdöe" };

    private static readonly TokenMetadata Metadata = new(new string('0', 64), DateTimeOffset.UnixEpoch, null, "req-1", null, null);

    [Theory]
    [MemberData(nameof(BadUids))]
    public async Task Invalid_uids_fail_before_any_call(string uid)
    {
        var store = _store;
        foreach (var call in new Func<Task>[]
                 {
                     () => store.StoreEnrollmentTokenAsync(uid, "QUJD", Metadata),
                     () => store.ClearEnrollmentTokenAsync(uid),
                     () => store.ReadEnrollmentTokenAsync(uid),
                 })
        {
            var error = await Assert.ThrowsAsync<DirectoryException>(call);
            Assert.Equal(DirectoryFailure.InvalidUid, error.Kind);
            Assert.False(error.IsTransient);
        }
    }

    [Theory]
    [InlineData("QUJD\r\nREVG")]
    [InlineData("QUJD REVG")]
    [InlineData("QUJD-REVG_")]
    [InlineData("")]
    public async Task Tokens_that_are_not_single_line_standard_base64_are_refused(string token)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.StoreEnrollmentTokenAsync("jdoe", token, Metadata));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.StoreRevocationTokenAsync(CertificateSerial.Parse("6699"), token, Metadata));
    }

    [Fact]
    public async Task Default_serial_is_refused()
        => await Assert.ThrowsAsync<ArgumentException>(() => _store.StoreRevocationTokenAsync(default, "QUJD", Metadata));

    [Fact]
    public async Task Unreachable_server_is_transient_and_named()
    {
        var error = await Assert.ThrowsAsync<DirectoryException>(() => _store.StoreEnrollmentTokenAsync("jdoe", "QUJD", Metadata));
        Assert.Equal(DirectoryFailure.Unavailable, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal(81, error.LdapResultCode);
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }
}
