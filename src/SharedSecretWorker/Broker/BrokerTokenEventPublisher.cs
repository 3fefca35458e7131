using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Lifecycle;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Publishes the token lifecycle's events on the results exchange (docs/messages.md, "Consumed
/// tokens" and "Expired tokens"), confirmed by the broker. Not mandatory, like results: a requester that binds no queue
/// does not want them. With the worker's own user_id, which the broker validates, so that no one
/// else can report a token consumed; the message id is the same for every repeat of one event.
/// </summary>
internal sealed class BrokerTokenEventPublisher(IPublisher publisher, IOptions<TopologyOptions> names, BrokerConnection broker) : ITokenEventPublisher
{
    private readonly TopologyOptions _names = names.Value;

    public Task PublishConsumedAsync(TokenConsumedEvent consumed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumed);
        return PublishAsync(consumed.RoutingKey(), consumed.MessageId(), MessageJson.ToUtf8(consumed), cancellationToken);
    }

    public Task PublishExpiredAsync(TokenExpiredEvent expired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expired);
        return PublishAsync(expired.RoutingKey(), expired.MessageId(), MessageJson.ToUtf8(expired), cancellationToken);
    }

    private async Task PublishAsync(string routingKey, string messageId, byte[] body, CancellationToken cancellationToken)
    {
        // The connection's user is known once connected; the publisher connects the same way.
        await broker.GetAsync(cancellationToken).ConfigureAwait(false);
        await publisher.PublishAsync(new OutgoingMessage(_names.ResultsExchange, routingKey, body)
        {
            MessageId = messageId,
            Type = routingKey,
            Mandatory = false,
            UserId = broker.UserName,
        }, cancellationToken).ConfigureAwait(false);
    }
}
