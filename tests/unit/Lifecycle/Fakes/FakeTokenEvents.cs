using System.Collections.Concurrent;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Lifecycle;

namespace SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

/// <summary>Keeps every event published; fails the next calls on demand, as an unavailable broker would.</summary>
internal sealed class FakeTokenEvents : ITokenEventPublisher
{
    private readonly ConcurrentQueue<TokenConsumedEvent> _published = new();
    private int _failures;

    private readonly ConcurrentQueue<TokenExpiredEvent> _expired = new();

    public IReadOnlyList<TokenConsumedEvent> Published => [.. _published];

    public IReadOnlyList<TokenExpiredEvent> Expired => [.. _expired];

    public int Attempts;

    public void FailNext(int times) => _failures = times;

    public Task PublishConsumedAsync(TokenConsumedEvent consumed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref Attempts);
        if (Interlocked.Decrement(ref _failures) >= 0) throw new InvalidOperationException("The broker did not confirm the message (test).");
        _published.Enqueue(consumed);
        return Task.CompletedTask;
    }

    public Task PublishExpiredAsync(TokenExpiredEvent expired, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref Attempts);
        if (Interlocked.Decrement(ref _failures) >= 0) throw new InvalidOperationException("The broker did not confirm the message (test).");
        _expired.Enqueue(expired);
        return Task.CompletedTask;
    }
}
