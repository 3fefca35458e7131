using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Unit.Directory;

public sealed class DirectoryOptionsValidatorTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-dir-options-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    private DirectoryOptions Valid()
    {
        var password = Path.Combine(_dir, "bind-password");
        File.WriteAllText(password, "secret\n");
        return new DirectoryOptions
        {
            Url = "ldap://127.0.0.1:3389",
            BindDn = "uid=shrtok-worker,ou=services,dc=example,dc=com",
            BindPasswordFile = password,
            PeopleBase = "ou=people,dc=example,dc=com",
            CertificateRepositoryBase = "ou=certificateRepository,ou=ca,dc=example,dc=com",
        };
    }

    private static IReadOnlyList<string> Errors(DirectoryOptions options)
        => new DirectoryOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Defaults_plus_the_required_keys_are_valid()
    {
        var options = Valid();
        Assert.Empty(Errors(options));
        Assert.Equal(RevocationTokenAttribute.MetaInfo, options.RevocationTokenAttribute);
        Assert.Equal("shrTok", options.EnrollmentTokenAttribute);
        Assert.Equal(8, options.MaxConnections);
        Assert.Equal(5, options.MaxConcurrencyRetries);
    }

    [Theory]
    [InlineData("", "Directory:Url")]
    [InlineData("http://127.0.0.1", "Directory:Url")]
    [InlineData("ldap://127.0.0.1/dc=example,dc=com", "Directory:Url")]
    [InlineData("127.0.0.1:389", "Directory:Url")]
    public void Bad_url_names_the_key(string url, string key)
    {
        var options = Valid();
        options.Url = url;
        Assert.Contains(Errors(options), e => e.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void StartTls_over_ldaps_is_refused()
    {
        var options = Valid();
        options.Url = "ldaps://localhost:3636";
        options.StartTls = true;
        Assert.Contains(Errors(options), e => e.StartsWith("Directory:StartTls", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_ca_file_is_refused()
    {
        var options = Valid();
        options.CaFile = Path.Combine(_dir, "absent.pem");
        var errors = Errors(options);
        Assert.Contains(errors, e => e.StartsWith("Directory:CaFile: the file", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_password_file_is_named_and_secret_never_shown()
    {
        var options = Valid();
        options.BindPasswordFile = Path.Combine(_dir, "absent");
        Assert.Contains(Errors(options), e => e.Contains("Directory:BindPasswordFile", StringComparison.Ordinal));
        options = Valid();
        options.BindPasswordFile = "";
        Assert.Contains(Errors(options), e => e.StartsWith("Directory:BindPasswordFile", StringComparison.Ordinal));
        Assert.DoesNotContain(Errors(Valid()), e => e.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_bad_value_names_its_key()
    {
        var options = Valid();
        options.BindDn = "";
        options.PeopleBase = "people";
        options.CertificateRepositoryBase = "";
        options.EnrollmentTokenAttribute = "shr tok";
        options.MaxConnections = 0;
        options.MaxConcurrencyRetries = -1;
        options.OperationTimeout = TimeSpan.FromMilliseconds(500);
        options.ConnectTimeout = TimeSpan.Zero;
        options.RevocationTokenAttribute = (RevocationTokenAttribute)7;
        var errors = Errors(options);
        foreach (var key in new[]
                 {
                     "Directory:BindDn", "Directory:PeopleBase", "Directory:CertificateRepositoryBase",
                     "Directory:EnrollmentTokenAttribute", "Directory:MaxConnections", "Directory:MaxConcurrencyRetries",
                     "Directory:OperationTimeout", "Directory:ConnectTimeout", "Directory:RevocationTokenAttribute",
                 })
        {
            Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
        }
    }
}
