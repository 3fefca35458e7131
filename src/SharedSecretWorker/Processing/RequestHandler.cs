using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Processing;

/// <summary>Runs one delivery: process it, decide its settlement, carry the settlement out.</summary>
internal sealed class RequestHandler : IMessageHandler
{
    private readonly RequestProcessor _processor;
    private readonly Settler _settler;
    private readonly ProducerCheck _producers;
    private readonly RetryOptions _retry;
    private readonly TimeProvider _time;
    private readonly RunningJobs _running;
    private readonly ILogger<RequestHandler> _logger;

    public RequestHandler(RequestProcessor processor, Settler settler, ProducerCheck producers, IOptions<RetryOptions> retry, TimeProvider time,
        RunningJobs running, ILogger<RequestHandler> logger)
    {
        _running = running;
        _processor = processor;
        _settler = settler;
        _producers = producers;
        _retry = retry.Value;
        _time = time;
        _logger = logger;
    }

    public async Task OnMessageAsync(InboundMessage message, IDeliveryAcknowledgement delivery, CancellationToken abandon)
    {
        // Everything below (HSM, directory, publishes) runs as children of this span.
        using var activity = WorkerTracing.StartProcess(message.Queue, message.Exchange, message.RoutingKey, message.DeliveryTag,
            message.BodySize, WorkerTracing.LaneName(message.Lane), message.MessageId, message.Headers);
        using var running = _running.Start();
        var started = Stopwatch.GetTimestamp();
        var attempt = _producers.AttemptOf(message);
        JobOutcome? outcome = null;
        var settlement = Settlement.HandBack;

        async Task SettleAsync(JobOutcome decided)
        {
            outcome = decided;
            settlement = SettlementPolicy.Decide(decided.Kind, attempt, _retry.MaxAttempts);
            try
            {
                await _settler.SettleAsync(message, decided, settlement, attempt, delivery).ConfigureAwait(false);
            }
            catch (BrokerUnavailableException ex)
            {
                // Whatever was not confirmed is not acked: the broker redelivers the message (to this
                // worker after recovery, or to another), and CompletedRequests settles it if it was done.
                ProcessingLog.SettleFailed(_logger, decided.RequestId, settlement.Action, ex.Message);
                await TryHandBackAsync(delivery).ConfigureAwait(false);
            }
        }

        try
        {
            if (message.OriginalBodySize is { } size)
            {
                // Larger than any request: the adapter kept only an excerpt, which is refused unread.
                await SettleAsync(JobOutcome.Rejected(RequestParser.Oversized(size, message.MessageId))).ConfigureAwait(false);
            }
            else
            {
                await _processor.ProcessAsync(message, delivery, attempt, SettleAsync, abandon).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested && outcome is null)
        {
            // Abandoned while waiting for the target's turn: nothing was done, the message goes back.
            await SettleAsync(JobOutcome.Abandoned(null)).ConfigureAwait(false);
        }
        if (outcome is null) return;

        var outcomeName = OutcomeName(outcome);
        WorkerTracing.Finish(activity, outcome.KindName, outcomeName, attempt, settlement.Action.ToString(), outcome.RequestId,
            outcome.Request?.BatchId ?? outcome.Rejection?.BatchId,
            outcome.Kind is OutcomeKind.PermanentFailure or OutcomeKind.TransientFailure ? outcome.Code ?? ErrorCodes.InternalError : null);
        WorkerMetrics.Processed(outcome.KindName, outcomeName, Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (message.Timestamp is { } sent && settlement.Action is SettlementAction.Ack or SettlementAction.DeadLetter)
            WorkerMetrics.Lag(outcome.KindName, WorkerTracing.LaneName(message.Lane), Math.Max(0, (_time.GetUtcNow() - sent).TotalSeconds));
    }

    /// <summary>The outcome label of metrics and spans: the outcome, or the failure's error code.</summary>
    internal static string OutcomeName(JobOutcome outcome) => outcome.Kind switch
    {
        OutcomeKind.Completed => "completed",
        OutcomeKind.Duplicate => "duplicate",
        OutcomeKind.Abandoned => "abandoned",
        OutcomeKind.Misrouted => "routed",
        OutcomeKind.DeliveryLost => "delivery_lost",
        OutcomeKind.PermanentFailure or OutcomeKind.TransientFailure => outcome.Code ?? ErrorCodes.InternalError,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Kind, "Unknown outcome."),
    };

    private static async Task TryHandBackAsync(IDeliveryAcknowledgement delivery)
    {
        try
        {
            await delivery.HandBackAsync().ConfigureAwait(false);
        }
        catch (BrokerUnavailableException)
        {
            // The channel is closed: the broker has already requeued the delivery.
        }
    }
}
