using SharedSecretWorker.Hosting;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Hosting;

/// <summary>
/// Start-up fails fast, before any message is taken, with one sentence that names what is wrong
/// (the daemon prints it and exits 1: see Program.cs and StartupFailure).
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-startup-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, string> Misconfigurations() => new()
    {
        // key, value ("{dir}" is a scratch folder), what the message must name
        { "Directory:BindPasswordFile", "{dir}/wrong-password", "Directory:BindPasswordFile" },
        { "Hsm:TokenLabel", "no-such-token", "Hsm:TokenLabel" },
        { "Token:IssuanceProtectionCertificateFile", "{dir}/absent.crt", "Token:IssuanceProtectionCertificateFile" },
        { "Delivery:Channels:email:CertificateFile", "{dir}/not-a-cert.pem", "Delivery:Channels:email:CertificateFile" },
        { "Token:KeyWrap", "Rot13", "Token:KeyWrap" },
        { "RabbitMq:Uri", "http://localhost", "RabbitMq:Uri" },
        // No Security:Producers list for a kind, and anyone not allowed on purpose.
        { "Security:AllowAnyProducer", "false", "Security:Producers:enrollment" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task A_wrong_setting_stops_start_up_with_a_message_naming_it(string key, string value, string named)
    {
        File.WriteAllText(Path.Combine(_dir, "wrong-password"), "not-the-password");
        File.WriteAllText(Path.Combine(_dir, "not-a-cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            WorkerUnderTest.StartAsync(new Dictionary<string, string?> { [key] = value.Replace("{dir}", _dir, StringComparison.Ordinal) }));
        var reason = StartupFailure.Describe(error);
        Assert.True(reason is not null, $"not described as a start-up failure: {error}");
        Assert.Contains(named, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", reason, StringComparison.Ordinal);
    }
}
