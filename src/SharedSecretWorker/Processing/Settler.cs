using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Consuming;
using SharedSecretWorker.Publishing;
using SharedSecretWorker.Publishing.Messages;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Carries out a <see cref="Settlement"/>. Whatever it publishes is confirmed before the delivery is
/// acknowledged, so a crash in between leaves a duplicate at worst, never a loss.
/// </summary>
internal sealed class Settler
{
    private readonly IPublisher _publisher;
    private readonly Topology _topology;
    private readonly TopologyOptions _names;
    private readonly RetryOptions _retry;
    private readonly ProducerCheck _producers;
    private readonly BrokerConnection _broker;
    private readonly TimeProvider _time;
    private readonly ILogger<Settler> _logger;

    public Settler(IPublisher publisher, Topology topology, IOptions<TopologyOptions> names, IOptions<RetryOptions> retry,
        ProducerCheck producers, BrokerConnection broker, TimeProvider time, ILogger<Settler> logger)
    {
        _publisher = publisher;
        _topology = topology;
        _names = names.Value;
        _retry = retry.Value;
        _producers = producers;
        _broker = broker;
        _time = time;
        _logger = logger;
    }

    public async Task SettleAsync(InboundMessage message, JobOutcome outcome, Settlement settlement, int attempt,
        Func<ValueTask> ack, Func<ValueTask> handBack)
    {
        switch (settlement.Action)
        {
            case SettlementAction.Ack:
                await ack().ConfigureAwait(false);
                break;
            case SettlementAction.HandBack:
                await handBack().ConfigureAwait(false);
                break;
            case SettlementAction.RetryLater:
                await PublishRetryAsync(message, outcome, settlement.RetryStep, attempt).ConfigureAwait(false);
                await ack().ConfigureAwait(false);
                WorkerMetrics.Retried(outcome.KindName, outcome.Code ?? ErrorCodes.InternalError);
                break;
            case SettlementAction.DeadLetter:
                await PublishFailureAsync(message, outcome, attempt, settlement.GaveUp).ConfigureAwait(false);
                await ack().ConfigureAwait(false);
                WorkerMetrics.DeadLettered(outcome.KindName, outcome.Code ?? ErrorCodes.InternalError);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(settlement), settlement.Action, "unknown settlement");
        }
    }

    private async Task PublishRetryAsync(InboundMessage message, JobOutcome outcome, int step, int attempt)
    {
        var delay = _retry.Delays[step];
        // Jitter only shortens: the queue's TTL is the upper bound, and a message's own expiration
        // below it lets retries of one outage spread out (RabbitMQ expires the head first, so the
        // spread is at most the jitter share of the delay).
        var jittered = delay * (1 - _retry.Jitter * Random.Shared.NextDouble());
        var headers = new Dictionary<string, object?>(message.Headers)
        {
            [Topology.AttemptHeader] = attempt + 1,
        };
        if (_producers.ProducerOf(message) is { } producer) headers[Topology.ProducerHeader] = producer;
        headers.Remove("x-death"); // the broker's own dead-letter history would grow with every retry
        await _publisher.PublishAsync(new OutgoingMessage(_names.RetryExchange, _topology.RetryQueueOf(message.Lane, step), message.Body)
        {
            MessageId = message.MessageId,
            UserId = _broker.UserName,
            Timestamp = message.Timestamp,
            Expiration = jittered,
            Headers = headers,
        }, CancellationToken.None).ConfigureAwait(false);
        _logger.LogWarning(LogEvents.RequestRetried, "Request {RequestId} failed for now ({Code}: {Reason}); attempt {Next} in about {Delay}.",
            outcome.RequestId, outcome.Code, outcome.Message, attempt + 1, delay);
    }

    private async Task PublishFailureAsync(InboundMessage message, JobOutcome outcome, int attempt, bool gaveUp)
    {
        var code = outcome.Code ?? ErrorCodes.InternalError;
        var reason = gaveUp
            ? $"{outcome.Message} (gave up after {attempt} attempts)"
            : outcome.Message ?? "failed";
        var now = _time.GetUtcNow();
        var result = outcome.Request is { } request
            ? ResultMessage.Failed(request, code, reason, attempt, now, outcome.Dn)
            : ResultMessage.Rejected(outcome.Rejection!, now, attempt);
        await _publisher.PublishAsync(new OutgoingMessage(_names.ResultsExchange, result.RoutingKey(), MessageJson.ToUtf8(result))
        {
            MessageId = result.RequestId,
            CorrelationId = result.RequestId,
        }, CancellationToken.None).ConfigureAwait(false);

        var headers = new Dictionary<string, object?>(message.Headers)
        {
            [Topology.ErrorCodeHeader] = code,
            [Topology.ReasonHeader] = reason,
            [Topology.QueueHeader] = message.Queue,
            [Topology.AttemptHeader] = attempt,
        };
        if (_producers.ProducerOf(message) is { } producer) headers[Topology.ProducerHeader] = producer;
        await _publisher.PublishAsync(new OutgoingMessage(_names.DeadLetterExchange, message.RoutingKey, message.Body)
        {
            MessageId = message.MessageId,
            UserId = _broker.UserName,
            Timestamp = message.Timestamp,
            Headers = headers,
        }, CancellationToken.None).ConfigureAwait(false);
        _logger.LogWarning(LogEvents.RequestFailed, "Request {RequestId} failed: {Code}: {Reason}. Dead-lettered to {Queue}.",
            outcome.RequestId ?? "(none)", code, reason, _names.DeadLetterQueue);
    }
}
