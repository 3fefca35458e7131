using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using SharedSecretWorker.Delivery;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Seal: the CMS EnvelopedData of the passphrase (AES-256-CBC content, RSA-OAEP-SHA256 key transport)
/// to a channel's RSA-2048 certificate, made in setup, as PassphraseSealer does it for every notice;
/// with and without the base64 the notice carries; for comparison the same envelope made by
/// EnvelopedCms (what the sealer did before it kept the recipient's key), and the recipient key's import alone.
/// </summary>
[MemoryDiagnoser]
public class SealBenchmarks
{
    private PassphraseSealer _sealer = null!;
    private readonly byte[] _passphrase = HotPathInputs.Passphrase();

    [GlobalSetup]
    public void Setup() => _sealer = new PassphraseSealer(new Dictionary<string, X509Certificate2>
    {
        [HotPathInputs.Channel] = HotPathInputs.ChannelCertificate(),
    });

    [GlobalCleanup]
    public void Cleanup() => _sealer.Dispose();

    /// <summary>The DER EnvelopedData.</summary>
    [Benchmark]
    public byte[] Seal() => _sealer.Seal(HotPathInputs.Channel, _passphrase);

    /// <summary>What RequestProcessor calls: the seal as the notice's base64 sealedPassphrase.</summary>
    [Benchmark]
    public string SealToBase64() => _sealer.SealToBase64(HotPathInputs.Channel, _passphrase);

    /// <summary>
    /// The same envelope made by EnvelopedCms.Encrypt (the sealer's code before: it imports the
    /// recipient's RSA key out of the certificate on every Encrypt).
    /// </summary>
    [Benchmark]
    public byte[] SealWithEnvelopedCms()
    {
        var content = _passphrase.ToArray();
        try
        {
            var envelope = new EnvelopedCms(new ContentInfo(content), new AlgorithmIdentifier(new Oid(PassphraseSealer.ContentEncryptionOid)));
            envelope.Encrypt(new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, _sealer.RecipientOf(HotPathInputs.Channel), RSAEncryptionPadding.OaepSHA256));
            return envelope.Encode();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>
    /// Only taking the RSA public key out of the channel's certificate, which EnvelopedCms did on every
    /// Encrypt (part of <see cref="SealWithEnvelopedCms"/>) and the sealer now does once per channel.
    /// </summary>
    [Benchmark]
    public int RecipientKeyImport()
    {
        using var rsa = _sealer.RecipientOf(HotPathInputs.Channel).GetRSAPublicKey()!;
        return rsa.KeySize;
    }
}
