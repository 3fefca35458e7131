namespace SharedSecretWorker.Tests.Integration.Delivery;

/// <summary>
/// Two channel key pairs made by openssl itself (<c>req -x509 -newkey rsa:2048</c>), so the .NET side
/// reads certificates and keys written by another implementation. Made once per test class.
/// </summary>
public sealed class OpenSslChannels : IDisposable
{
    public OpenSslChannels()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("shrtok-openssl-").FullName;
        (EmailCertificate, EmailKey) = Create("email");
        (SmsCertificate, SmsKey) = Create("sms");
    }

    public string Directory { get; }
    public string EmailCertificate { get; }
    public string EmailKey { get; }
    public string SmsCertificate { get; }
    public string SmsKey { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private (string Certificate, string Key) Create(string channel)
    {
        var certificate = Path.Combine(Directory, $"channel-{channel}.crt");
        var key = Path.Combine(Directory, $"channel-{channel}.key");
        OpenSsl.Succeed("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
            "-subj", $"/O=SharedSecretWorker tests/CN={channel} hand-off",
            "-addext", "keyUsage=critical,keyEncipherment",
            "-keyout", key, "-out", certificate);
        return (certificate, key);
    }
}
