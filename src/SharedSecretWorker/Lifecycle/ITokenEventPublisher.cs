using SharedSecretWorker.Contracts.Messages;

namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// Publishes what the token lifecycle reports (docs/messages.md, "Consumed tokens" and "Expired tokens"). A call returns
/// only once the broker confirmed the message (publisher confirms) and throws otherwise; the broker
/// adapter implements it.
/// </summary>
public interface ITokenEventPublisher
{
    /// <summary>Publishes <paramref name="consumed"/> on the results exchange with routing key <c>KIND.consumed</c>.</summary>
    Task PublishConsumedAsync(TokenConsumedEvent consumed, CancellationToken cancellationToken);

    /// <summary>Publishes <paramref name="expired"/> on the results exchange with routing key <c>KIND.expired</c>.</summary>
    Task PublishExpiredAsync(TokenExpiredEvent expired, CancellationToken cancellationToken);
}
