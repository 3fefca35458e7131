using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Token pieces that do not depend on the key wrap: the passphrase's AES-128-CBC encryption in
/// software, and SharedTokenCodec's encoding of the wrapped key (256 bytes) and ciphertext into the
/// single-line base64 token the directory stores.
/// </summary>
[MemoryDiagnoser]
public class TokenEncodingBenchmarks
{
    private readonly byte[] _passphrase = HotPathInputs.Passphrase();
    private readonly byte[] _sessionKey = RandomNumberGenerator.GetBytes(SharedTokenFormat.SessionKeyBytes);
    private byte[] _wrapped = null!;
    private byte[] _ciphertext = null!;

    [GlobalSetup]
    public void Setup()
    {
        _wrapped = SessionKeyCrypto.WrapSessionKey(HotPathInputs.IssuanceProtectionKey(), _sessionKey, KeyWrap.Pkcs1);
        _ciphertext = SessionKeyCrypto.EncryptPassphrase(_sessionKey, _passphrase);
    }

    /// <summary>AES-128-CBC of the passphrase with the session key (Aes.Create per call, as the code does).</summary>
    [Benchmark]
    public byte[] EncryptPassphrase() => SessionKeyCrypto.EncryptPassphrase(_sessionKey, _passphrase);

    /// <summary>DER structure and base64 of the token.</summary>
    [Benchmark]
    public string EncodeToken() => SharedTokenCodec.Encode(_wrapped, _ciphertext);
}
