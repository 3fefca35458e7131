using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>
/// A hand-off channel's self-signed RSA certificate and private key, written as PEM files into a
/// folder as an operator would configure them. The RSA key is made once per test run (slow to make).
/// </summary>
internal sealed class ChannelCertificate
{
    private static readonly Lazy<RSA> Key = new(() => RSA.Create(2048));

    private ChannelCertificate(string certificateFile, string keyFile)
    {
        CertificateFile = certificateFile;
        KeyFile = keyFile;
    }

    public string CertificateFile { get; }

    public string KeyFile { get; }

    public static ChannelCertificate Write(string folder, string channel)
    {
        var request = new CertificateRequest($"CN={channel} hand-off, O=SharedSecretWorker tests", Key.Value, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5));
        var certificateFile = Path.Combine(folder, $"{channel}.crt");
        var keyFile = Path.Combine(folder, $"{channel}.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, Key.Value.ExportPkcs8PrivateKeyPem() + "\n");
        return new ChannelCertificate(certificateFile, keyFile);
    }
}
