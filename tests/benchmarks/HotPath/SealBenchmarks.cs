using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using SharedSecretWorker.Delivery;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Seal: the CMS EnvelopedData of the passphrase (AES-256-CBC content, RSA-OAEP-SHA256 key transport)
/// to a channel's RSA-2048 certificate, made in setup, as PassphraseSealer does it for every notice;
/// with and without the base64 the notice carries, and the recipient key's import alone.
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
    /// Only taking the RSA public key out of the channel's certificate, which EnvelopedCms does on every
    /// Encrypt: part of <see cref="Seal"/>, measured alone to show its share.
    /// </summary>
    [Benchmark]
    public int RecipientKeyImport()
    {
        using var rsa = _sealer.RecipientOf(HotPathInputs.Channel).GetRSAPublicKey()!;
        return rsa.KeySize;
    }
}
