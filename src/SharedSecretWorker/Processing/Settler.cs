using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Carries out a <see cref="Settlement"/>. Whatever it publishes is confirmed before the delivery is
/// acknowledged, so a crash in between leaves a duplicate at worst, never a loss.
/// </summary>
internal sealed class Settler
{
    private readonly IMessagePublisher _publisher;
    private readonly IDelayedDelivery _delayedDelivery;
    private readonly IDeadLetterQueue _deadLetters;
    private readonly IPartitionRouting _partitions;
    private readonly RetryOptions _retry;
    private readonly ProducerCheck _producers;
    private readonly IAddressDigest _addresses;
    private readonly TimeProvider _time;
    private readonly ILogger<Settler> _logger;

    public Settler(IMessagePublisher publisher, IDelayedDelivery delayedDelivery, IDeadLetterQueue deadLetters, IPartitionRouting partitions,
        IOptions<RetryOptions> retry, ProducerCheck producers, IAddressDigest addresses, TimeProvider time, ILogger<Settler> logger)
    {
        _partitions = partitions;
        _publisher = publisher;
        _delayedDelivery = delayedDelivery;
        _deadLetters = deadLetters;
        _retry = retry.Value;
        _producers = producers;
        _addresses = addresses;
        _time = time;
        _logger = logger;
    }

    public async Task SettleAsync(InboundMessage message, JobOutcome outcome, Settlement settlement, int attempt, IDeliveryAcknowledgement delivery)
    {
        switch (settlement.Action)
        {
            case SettlementAction.Ack:
                await delivery.AckAsync().ConfigureAwait(false);
                break;
            case SettlementAction.HandBack:
                await delivery.HandBackAsync().ConfigureAwait(false);
                break;
            case SettlementAction.RetryLater:
                await ScheduleDelayedDeliveryAsync(message, outcome, settlement.RetryStep, attempt).ConfigureAwait(false);
                await delivery.AckAsync().ConfigureAwait(false);
                WorkerMetrics.Retried(outcome.KindName, outcome.Code ?? ErrorCodes.InternalError);
                break;
            case SettlementAction.RouteToPartition:
                // Confirmed before the ack: a crash in between leaves the request twice, once in its
                // partition and once here, and the duplicate memory of whoever runs it second settles it.
                await _partitions.RouteAsync(message, outcome.Request!.Target.Key, _producers.ProducerOf(message)).ConfigureAwait(false);
                await delivery.AckAsync().ConfigureAwait(false);
                break;
            case SettlementAction.DeadLetter:
                await PublishFailureAsync(message, outcome, attempt, settlement.GaveUp).ConfigureAwait(false);
                await delivery.AckAsync().ConfigureAwait(false);
                WorkerMetrics.DeadLettered(outcome.KindName, outcome.Code ?? ErrorCodes.InternalError);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(settlement), settlement.Action, "unknown settlement");
        }
    }

    private async Task ScheduleDelayedDeliveryAsync(InboundMessage message, JobOutcome outcome, int step, int attempt)
    {
        var delay = _retry.Delays[step];
        // Jitter only shortens: the delay queue's TTL is the upper bound, and a message's own
        // expiration below it lets retries of one outage spread out (RabbitMQ expires the head
        // first, so the spread is at most the jitter share of the delay).
        var jittered = delay * (1 - _retry.Jitter * Random.Shared.NextDouble());
        await _delayedDelivery.DeliverLaterAsync(message, step, jittered, attempt + 1, _producers.ProducerOf(message)).ConfigureAwait(false);
        ProcessingLog.Retried(_logger, outcome.RequestId, outcome.Code, outcome.Message, attempt + 1, delay);
    }

    private async Task PublishFailureAsync(InboundMessage message, JobOutcome outcome, int attempt, bool gaveUp)
    {
        var code = outcome.Code ?? ErrorCodes.InternalError;
        var reason = gaveUp
            ? $"{outcome.Message} (gave up after {attempt} attempts)"
            : outcome.Message ?? "failed";
        var now = _time.GetUtcNow();
        var result = outcome.Request is { } request
            ? ResultMessage.Failed(request, code, reason, attempt, now, outcome.Dn).WithDeliveryOf(request, _addresses)
            : ResultMessage.Rejected(outcome.Rejection!, now, attempt);
        var producer = _producers.ProducerOf(message);
        await _publisher.PublishResultAsync(result, producer, completed: null, CancellationToken.None).ConfigureAwait(false);
        await _deadLetters.DeadLetterAsync(message, new DeadLetterReason(code, reason, attempt, producer)).ConfigureAwait(false);
        ProcessingLog.Failed(_logger, outcome.RequestId ?? "(none)", code, reason);
    }
}
