using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Lifecycle;

namespace SharedSecretWorker.Benchmarks.Directory;

/// <summary>Counts the lifecycle's events instead of publishing them: the expiry harness measures the directory's part.</summary>
internal sealed class CountingTokenEvents : ITokenEventPublisher
{
    private int _expired;

    public int Expired => Volatile.Read(ref _expired);

    public Task PublishConsumedAsync(TokenConsumedEvent consumed, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PublishExpiredAsync(TokenExpiredEvent expired, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _expired);
        return Task.CompletedTask;
    }
}
