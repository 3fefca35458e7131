using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Tokens;

/// <summary>A randomness source that replays given bytes (a fake of the HSM seam, for the generator's mapping).</summary>
internal sealed class ScriptedRandom(params byte[] bytes) : ITokenEncryptor
{
    private int _next;

    public int Requests { get; private set; }

    public string Description => "scripted random";

    public ValueTask ProbeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<string> EncryptAsync(ReadOnlyMemory<byte> passphrase, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask FillRandomAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        Requests++;
        var span = destination.Span;
        for (var i = 0; i < span.Length; i++) span[i] = bytes[_next++ % bytes.Length];
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
