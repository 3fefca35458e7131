using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Integration.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Reissuing;

/// <summary>
/// <c>shrtok reissue</c> (the built binary, as an operator runs it) against a running worker on the real
/// stack (docs/token-lifecycle.md, "Re-key"): the tokens recorded as wrapped to the old certificate get new
/// tokens and notices through a bulk batch, to the address on the holder's entry; others are left alone;
/// a holder without an address is named and skipped; a re-key while the workers still wrap to the old
/// certificate is refused.
/// </summary>
public sealed class ReissueTests : IAsyncLifetime
{

    private readonly DirectoryTestBed _bed = new();
    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("shrtok-reissue-it-").FullName;
    private WorkerUnderTest _worker = null!;

    public async Task InitializeAsync() => _worker = await WorkerUnderTest.StartAsync();

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _bed.Dispose();
        System.IO.Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A certificate no token of the stack was wrapped to: the "old" issuance protection certificate.</summary>
    private string OldCertificate(out string fingerprint)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Old Issuance Protection " + Guid.NewGuid().ToString("N")[..8], key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_folder, "old.crt");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        fingerprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
        return path;
    }

    private Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var environment = _worker.Configuration(new Dictionary<string, string?>
        {
            ["Batch:StateDirectory"] = Path.Combine(_folder, "state"),
            ["Batch:ProgressInterval"] = "00:00:01",
        }).Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value!);
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    private string PersonDn(string uid) => $"uid={uid},{_bed.PeopleBase}";

    private string Person(string? mail, string token, string wrappedTo)
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid, extensible: true);
        if (mail is not null) TokenRecords.Set(_bed.Admin, dn, "mail", mail);
        TokenRecords.WriteEnrollment(_bed.Admin, dn, token, TokenRecords.For(token, "req-" + uid[^8..], TimeSpan.FromHours(1), TimeSpan.FromDays(7), wrappedTo));
        return uid;
    }

    [Fact]
    public async Task Every_token_wrapped_to_the_old_certificate_gets_a_new_one_and_nothing_else_changes()
    {
        var old = OldCertificate(out var fingerprint);
        using var workersCertificate = X509CertificateLoader.LoadCertificateFromFile(_bed.Stack.WorkerEnvironment()["Token__IssuanceProtectionCertificateFile"]);
        var current = Convert.ToHexStringLower(SHA256.HashData(workersCertificate.RawData));
        var tokens = Enumerable.Range(0, 4).Select(_ => DirectoryTestBed.NewToken()).ToList();
        var first = Person("first@example.com", tokens[0], fingerprint);
        var second = Person("second@example.com", tokens[1], fingerprint);
        var noMail = Person(null, tokens[2], fingerprint);
        var otherKey = Person("other@example.com", tokens[3], new string('7', 64));

        var dry = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "reissue", "--wrapped-to", old, "--channel", "email", "--dry-run"], environment: Environment());
        Assert.True(dry.ExitCode == 0, dry.Output);
        Assert.Contains("2 enrollment and 0 revocation token(s)", dry.OutText, StringComparison.Ordinal);
        Assert.Contains($"skipped enrollment {noMail}: ", dry.OutText, StringComparison.Ordinal);
        Assert.Contains($"would reissue enrollment {first} ", dry.OutText, StringComparison.Ordinal);
        Assert.DoesNotContain(otherKey, dry.OutText, StringComparison.Ordinal);
        Assert.Equal(tokens[0], Assert.Single(_bed.Values(PersonDn(first), "shrTok")));

        var report = Path.Combine(_folder, "report.csv");
        var run = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "reissue", "--wrapped-to", old, "--channel", "email", "--batch-id", "reissue-it-" + first[^8..],
            "--wait", "--report", report], environment: Environment(), timeout: TimeSpan.FromMinutes(3));
        // One holder had no address: the run says so and exits 1, the others are reissued.
        Assert.True(run.ExitCode == 1, run.Output);

        foreach (var (uid, before) in new[] { (first, tokens[0]), (second, tokens[1]) })
        {
            var now = Assert.Single(_bed.Values(PersonDn(uid), "shrTok"));
            Assert.NotEqual(before, now);
            var result = Assert.Single(_worker.AllResults, r => r.Uid == uid);
            Assert.Equal(ResultStatus.Stored, result.Status);
            Assert.Equal(TokenDigest.Sha256Hex(now), result.TokenSha256);
            Assert.StartsWith("reissue-it-", result.BatchId, StringComparison.Ordinal);
            // The new token's record names the certificate the workers wrap to now, not the old one.
            var record = TokenMetadata.Parse(Assert.Single(_bed.Values(PersonDn(uid), TokenMetadata.EnrollmentAttribute)));
            Assert.NotNull(record);
            Assert.Equal(TokenDigest.Sha256Hex(now), record.TokenSha256);
            Assert.Equal(current, record.WrappedTo);
        }
        Assert.Equal(tokens[2], Assert.Single(_bed.Values(PersonDn(noMail), "shrTok")));
        Assert.Equal(tokens[3], Assert.Single(_bed.Values(PersonDn(otherKey), "shrTok")));
        Assert.DoesNotContain(_worker.AllResults, r => r.Uid == noMail || r.Uid == otherKey);
        var rows = File.ReadAllLines(Path.Combine(_folder, "report-enrollment.csv"));
        Assert.Equal(3, rows.Length);
        Assert.All(rows[1..], row => Assert.Contains(",stored,", row, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reissue_while_the_workers_still_wrap_to_the_old_certificate_is_refused()
    {
        var old = OldCertificate(out var fingerprint);
        var uid = Person("still@example.com", DirectoryTestBed.NewToken(), fingerprint);

        var run = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "reissue", "--wrapped-to", old, "--channel", "email"],
            environment: Environment(("Token__IssuanceProtectionCertificateFile", old)));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the workers still wrap tokens to old.crt", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_worker.AllResults, r => r.Uid == uid);
    }
}
