using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SharedSecretWorker.Common;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Token: one token made in software (SoftwareTokenEncryptor, the engine without an HSM: session key
/// from the CSPRNG, AES-128-CBC, RSA wrap with a 2048-bit issuance protection key, the codec), and
/// the RSA wrap alone (as the code does it: the key imported once and shared out by RsaPublicKeyPool;
/// with one bare kept RSA object; and importing the key per call, as the code did before), for both key wraps. The pieces that do not depend on the wrap are in
/// <see cref="TokenEncodingBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class SoftwareTokenBenchmarks
{
    private SoftwareTokenEncryptor _encryptor = null!;
    private IssuanceProtectionKey _key = null!;
    private RSA _rsa = null!;
    private RsaPublicKeyPool _pool = null!;
    private readonly byte[] _passphrase = HotPathInputs.Passphrase();
    private readonly byte[] _sessionKey = new byte[SharedTokenFormat.SessionKeyBytes];

    [Params(KeyWrap.Pkcs1, KeyWrap.Oaep)]
    public KeyWrap Wrap { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = HotPathInputs.IssuanceProtectionKey();
        _encryptor = new SoftwareTokenEncryptor(_key, Wrap);
        _rsa = RSA.Create(_key.Parameters);
        _pool = new RsaPublicKeyPool(_key.Parameters);
        RandomNumberGenerator.Fill(_sessionKey);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rsa.Dispose();
        _pool.Dispose();
        _encryptor.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The whole token, as the daemon makes it without an HSM.</summary>
    [Benchmark]
    public ValueTask<string> EncryptToken() => _encryptor.EncryptAsync(_passphrase, CancellationToken.None);

    /// <summary>The RSA public-key wrap of the session key alone, as the software encryptor does it (key imported once, RsaPublicKeyPool).</summary>
    [Benchmark]
    public byte[] WrapSessionKey() => SessionKeyCrypto.WrapSessionKey(_pool, _sessionKey, Wrap);

    /// <summary>The same wrap with a fresh RSA object per call (what the software encryptor did before; the PKCS#11 encryptor's software wrap still does).</summary>
    [Benchmark]
    public byte[] WrapImportingKeyPerCall() => SessionKeyCrypto.WrapSessionKey(_key, _sessionKey, Wrap);

    /// <summary>
    /// The same RSA encryption with one bare RSA object kept across calls (the floor): the difference
    /// to <see cref="WrapImportingKeyPerCall"/> is what importing the public key per call costs, the
    /// difference to <see cref="WrapSessionKey"/> what sharing the kept objects out costs.
    /// </summary>
    [Benchmark]
    public byte[] WrapWithKeptRsaObject() => _rsa.Encrypt(_sessionKey, KeyWrapPadding.Of(Wrap));
}
