using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharedSecretWorker.Tests.Unit.Delivery;

/// <summary>A fresh self-signed channel certificate and its key, written as PEM files like an operator would.</summary>
internal sealed class ChannelKeyPair : IDisposable
{
    /// <summary>RSA key generation takes seconds on a slow machine; each (name, size) key is made once per test run.</summary>
    private static readonly ConcurrentDictionary<(string Name, int Bits), Lazy<RSA>> RsaKeys = new();

    private readonly bool _ownsKey;

    private ChannelKeyPair(AsymmetricAlgorithm key, bool ownsKey, X509Certificate2 certificate, string certificateFile, string keyFile)
    {
        _ownsKey = ownsKey;
        Key = key;
        Certificate = certificate;
        CertificateFile = certificateFile;
        KeyFile = keyFile;
    }

    public AsymmetricAlgorithm Key { get; }
    public X509Certificate2 Certificate { get; }
    public string CertificateFile { get; }
    public string KeyFile { get; }

    /// <summary>An RSA pair; <paramref name="notAfter"/> defaults to a year ahead, <paramref name="usage"/> to none (no keyUsage extension).</summary>
    public static ChannelKeyPair CreateRsa(string directory, string name, int bits = 2048, DateTimeOffset? notAfter = null, X509KeyUsageFlags? usage = null)
    {
        var rsa = RsaKeys.GetOrAdd((name, bits), key => new Lazy<RSA>(() => RSA.Create(key.Bits))).Value;
        var request = new CertificateRequest($"CN={name} hand-off, O=SharedSecretWorker tests", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (usage is { } flags) request.CertificateExtensions.Add(new X509KeyUsageExtension(flags, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var end = notAfter ?? DateTimeOffset.UtcNow.AddYears(1);
        var certificate = request.CreateSelfSigned(end.AddYears(-2), end);
        return Write(directory, name, rsa, ownsKey: false, certificate, rsa.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>An EC pair, which cannot receive an RSA key transport.</summary>
    public static ChannelKeyPair CreateEc(string directory, string name)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} hand-off", ec, HashAlgorithmName.SHA256);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return Write(directory, name, ec, ownsKey: true, certificate, ec.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        Certificate.Dispose();
        if (_ownsKey) Key.Dispose();
    }

    private static ChannelKeyPair Write(string directory, string name, AsymmetricAlgorithm key, bool ownsKey, X509Certificate2 certificate, string keyPem)
    {
        var certificateFile = Path.Combine(directory, $"{name}.crt");
        var keyFile = Path.Combine(directory, $"{name}.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, keyPem + "\n");
        return new ChannelKeyPair(key, ownsKey, certificate, certificateFile, keyFile);
    }
}
