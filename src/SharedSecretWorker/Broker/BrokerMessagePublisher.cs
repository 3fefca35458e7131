using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Publishes notices and results to their exchanges (docs/messages.md), each confirmed by the broker.
/// A notice is mandatory: one that no hand-off queue takes comes back as <see cref="MessageUnroutableException"/>
/// instead of vanishing. A result is not: a requester that binds no queue does not want it, and the
/// request's work (the token, its notice) is done.
/// </summary>
internal sealed class BrokerMessagePublisher(IPublisher publisher, IOptions<TopologyOptions> names, BrokerConnection broker) : IMessagePublisher
{
    private readonly TopologyOptions _names = names.Value;

    public Task PublishNoticeAsync(DeliveryNotice notice, CancellationToken cancellationToken) =>
        publisher.PublishAsync(new OutgoingMessage(_names.NoticesExchange, notice.RoutingKey(), MessageJson.ToUtf8(notice))
        {
            MessageId = notice.RequestId,
            CorrelationId = notice.RequestId,
        }, cancellationToken);

    /// <summary>
    /// Every result carries the worker's own user_id, which the broker validates, and the request's
    /// producer (<c>x-shrtok-producer</c>) when known: the audit trail (docs/audit.md), which the broker
    /// fills from this exchange, trusts only records with the workers' user_id, and names the producer as
    /// the initiator. A completed request's result also tells the other workers that it is done (<see cref="CompletedRequestsFeed"/>):
    /// its producer and body digest in headers, and the worker's own user_id, which the broker validates,
    /// so that no one else can make a worker take a request for done.
    /// </summary>
    public async Task PublishResultAsync(ResultMessage result, string? producer, CompletedRequest? completed, CancellationToken cancellationToken)
    {
        // The connection's user is known once connected; the publisher connects the same way.
        await broker.GetAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<string, object?>? headers = completed is null ? null : CompletedRequestsFeed.HeadersOf(completed);
        if (producer is not null) (headers ??= [])[MessageHeaders.Producer] = producer;
        await publisher.PublishAsync(new OutgoingMessage(_names.ResultsExchange, result.RoutingKey(), MessageJson.ToUtf8(result))
        {
            MessageId = result.RequestId,
            CorrelationId = result.RequestId,
            Mandatory = false,
            UserId = broker.UserName,
            Headers = headers,
        }, cancellationToken).ConfigureAwait(false);
    }
}
