using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Dead-letters a request with its reason in the <c>x-shrtok-*</c> headers (docs/messages.md, "Dead letters").
/// The copy keeps the request's properties (content_type, correlation_id, reply_to, app_id, type,
/// message_id, timestamp, headers), as the broker's own dead-lettering does; of a body past the
/// request limit only the excerpt the adapter kept, with the original size in a header.
/// </summary>
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
        if (message.OriginalBodySize is { } size) headers[MessageHeaders.OriginalSize] = size;
        return publisher.PublishAsync(OutgoingMessage.CopyOf(message, _names.DeadLetterExchange, message.RoutingKey, broker.UserName, headers), CancellationToken.None);
    }
}
