using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Passphrase: the generator with the default policy (TokenOptions: 20 characters, no grouping),
/// drawing from the software encryptor's randomness (the operating system's CSPRNG, as without an
/// HSM), and from fixed bytes (the generator's own work, no randomness at all). The HSM's
/// C_GenerateRandom is measured in <see cref="Pkcs11TokenBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class PassphraseBenchmarks
{
    private PassphraseGenerator _system = null!;
    private PassphraseGenerator _fixed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new TokenOptions());
        _system = new PassphraseGenerator(new SoftwareTokenEncryptor(HotPathInputs.IssuanceProtectionKey(), Contracts.Tokens.KeyWrap.Pkcs1), options);
        _fixed = new PassphraseGenerator(new FixedRandom(), options);
    }

    /// <summary>Randomness from the operating system's CSPRNG (RandomNumberGenerator.Fill).</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<byte[]> SystemRandom() => _system.GenerateAsync(CancellationToken.None);

    /// <summary>Fixed "random" bytes: what the generator itself costs.</summary>
    [Benchmark]
    public ValueTask<byte[]> FixedBytes() => _fixed.GenerateAsync(CancellationToken.None);

    /// <summary>Randomness that is always the same bytes, all below the rejection limit.</summary>
    private sealed class FixedRandom : ITokenEncryptor
    {
        public string Description => "fixed bytes";

        public ValueTask ProbeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<string> EncryptAsync(ReadOnlyMemory<byte> passphrase, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask FillRandomAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            var span = destination.Span;
            for (var i = 0; i < span.Length; i++) span[i] = (byte)(i * 37);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
