using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharedSecretWorker.Tests.Integration.Tls;

/// <summary>A fresh self-signed CA certificate (PEM in a scratch file) that signed nothing the stack serves.</summary>
internal sealed class UntrustedCa : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-tls-").FullName;

    public UntrustedCa()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Not the stack CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        System.IO.File.WriteAllText(PemFile, certificate.ExportCertificatePem());
    }

    /// <summary>The PEM file.</summary>
    public string PemFile => Path.Combine(_dir, "untrusted-ca.pem");

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);
}
