using System.Collections.Concurrent;
using System.Text;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>
/// The HSM seam: real tokens from the software encryptor (issuance protection key of the test
/// vectors, OAEP), so that a test can decrypt what the directory got; records "hsm.encrypt", the
/// passphrases it was given (copied: the processor clears its own) and can fail on demand.
/// </summary>
internal sealed class FakeTokenEncryptor(EventLog events) : ITokenEncryptor
{
    public const KeyWrap Wrap = KeyWrap.Oaep;

    private readonly SoftwareTokenEncryptor _software = new(IssuanceProtectionKey.FromFile(TestVectors.CertificateFile, "test"), Wrap);
    private readonly ConcurrentQueue<Exception> _failures = new();
    private readonly ConcurrentQueue<string> _passphrases = new();
    private int _randomCalls;

    public string Description => "fake HSM (software tokens)";

    /// <summary>The passphrases encrypted, in order.</summary>
    public IReadOnlyList<string> Passphrases => _passphrases.ToArray();

    /// <summary>Calls for randomness (the passphrase generator's).</summary>
    public int RandomCalls => Volatile.Read(ref _randomCalls);

    /// <summary>The next encryption fails with <paramref name="failure"/> (one per call, in order).</summary>
    public void FailNext(Exception failure) => _failures.Enqueue(failure);

    /// <summary>Decrypts a token with the issuance protection private key, as the CA does.</summary>
    public static string Decrypt(string token)
    {
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, Wrap);
        return decryptor.DecryptToString(token);
    }

    public ValueTask ProbeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>When set, runs as a token is made.</summary>
    public Action? OnEncrypt { get; set; }

    public async ValueTask<string> EncryptAsync(ReadOnlyMemory<byte> passphrase, CancellationToken cancellationToken)
    {
        OnEncrypt?.Invoke();
        events.Add("hsm.encrypt");
        if (_failures.TryDequeue(out var failure)) throw failure;
        _passphrases.Enqueue(Encoding.ASCII.GetString(passphrase.Span));
        return await _software.EncryptAsync(passphrase, cancellationToken);
    }

    public ValueTask FillRandomAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _randomCalls);
        return _software.FillRandomAsync(destination, cancellationToken);
    }

    public ValueTask DisposeAsync() => _software.DisposeAsync();
}
