using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tokens;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Token and passphrase on the PKCS#11 path, against the local stack's SoftHSM2 token (stack.env:
/// STACK_HSM_*, STACK_SOFTHSM2_CONF, STACK_ISSUANCE_PROTECTION_CERT; SHRTOK_STACK_ENV names another
/// stack.env). Needs the stack up; the other hot-path benchmarks do not. One pooled session, one
/// caller. The engine only makes and destroys its own session objects; nothing on the token changes.
/// OAEP needs Hsm:AllowSoftwareKeyWrap on SoftHSM2 (the wrap is then done in software, the AES key
/// extracted from the HSM), as the stack configures it.
/// </summary>
[MemoryDiagnoser]
public class Pkcs11TokenBenchmarks
{
    private Pkcs11TokenEncryptor _encryptor = null!;
    private PassphraseGenerator _generator = null!;
    private readonly byte[] _passphrase = HotPathInputs.Passphrase();

    [Params(KeyWrap.Pkcs1, KeyWrap.Oaep)]
    public KeyWrap Wrap { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var stack = StackEnvironment.Load();
        // SoftHSM2 reads SOFTHSM2_CONF with getenv in C_Initialize; .NET's SetEnvironmentVariable does not reach it.
        NativeEnvironment.Set("SOFTHSM2_CONF", stack.Get("STACK_SOFTHSM2_CONF"));
        var key = IssuanceProtectionKey.FromFile(stack.Get("STACK_ISSUANCE_PROTECTION_CERT"), "STACK_ISSUANCE_PROTECTION_CERT");
        var options = new HsmOptions
        {
            Library = stack.Get("STACK_HSM_LIBRARY"),
            TokenLabel = stack.Get("STACK_HSM_TOKEN_LABEL"),
            PinFile = stack.Get("STACK_HSM_PIN_FILE"),
            MaxSessions = 1,
            AllowSoftwareKeyWrap = Wrap == KeyWrap.Oaep,
            // As the stack's worker.env: SoftHSM2 2.6 keeps destroyed session objects until C_Finalize (docs/performance.md, Memory).
            ReinitializeAfterOperations = 20_000,
        };
        _encryptor = new Pkcs11TokenEncryptor(options, Wrap, key, NullLogger.Instance);
        _encryptor.ProbeAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _generator = new PassphraseGenerator(_encryptor, TokenOptions.DefaultPassphraseLength, TokenOptions.DefaultPassphraseGroupSize);
    }

    [GlobalCleanup]
    public void Cleanup() => _encryptor.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The whole token in the HSM: C_GenerateKey (AES session object), C_Encrypt, C_WrapKey (or a software wrap), C_DestroyObject.</summary>
    [Benchmark]
    public ValueTask<string> EncryptToken() => _encryptor.EncryptAsync(_passphrase, CancellationToken.None);

    /// <summary>The default passphrase from the HSM's C_GenerateRandom.</summary>
    [Benchmark]
    public ValueTask<byte[]> Passphrase() => _generator.GenerateAsync(CancellationToken.None);
}
