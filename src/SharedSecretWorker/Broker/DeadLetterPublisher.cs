using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>Dead-letters a request with its reason in the <c>x-shrtok-*</c> headers (docs/messages.md, "Dead letters").</summary>
internal sealed class DeadLetterPublisher(IPublisher publisher, IOptions<TopologyOptions> names, BrokerConnection broker) : IDeadLetterQueue
{
    private readonly TopologyOptions _names = names.Value;

    public Task DeadLetterAsync(InboundMessage message, DeadLetterReason reason)
    {
        var headers = new Dictionary<string, object?>(message.Headers)
        {
            [MessageHeaders.ErrorCode] = reason.Code,
            [MessageHeaders.Reason] = reason.Reason,
            [MessageHeaders.Queue] = message.Queue,
            [MessageHeaders.Attempt] = reason.Attempt,
        };
        if (reason.Producer is not null) headers[MessageHeaders.Producer] = reason.Producer;
        return publisher.PublishAsync(new OutgoingMessage(_names.DeadLetterExchange, message.RoutingKey, message.Body)
        {
            MessageId = message.MessageId,
            UserId = broker.UserName,
            Timestamp = message.Timestamp,
            Headers = headers,
        }, CancellationToken.None);
    }
}
