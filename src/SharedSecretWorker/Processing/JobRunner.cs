using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Consuming;
using SharedSecretWorker.Publishing;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Processing;

/// <summary>Runs one delivery: process it, decide its settlement, carry the settlement out.</summary>
internal sealed class JobRunner
{
    private readonly RequestProcessor _processor;
    private readonly Settler _settler;
    private readonly ProducerCheck _producers;
    private readonly RetryOptions _retry;
    private readonly TimeProvider _time;
    private readonly RunningJobs _running;
    private readonly ILogger<JobRunner> _logger;

    public JobRunner(RequestProcessor processor, Settler settler, ProducerCheck producers, IOptions<RetryOptions> retry, TimeProvider time,
        RunningJobs running, ILogger<JobRunner> logger)
    {
        _running = running;
        _processor = processor;
        _settler = settler;
        _producers = producers;
        _retry = retry.Value;
        _time = time;
        _logger = logger;
    }

    /// <param name="message">The delivery.</param>
    /// <param name="channel">Its channel, for the ack or nack.</param>
    /// <param name="abandon">Cancelled when shutdown hands running jobs back.</param>
    /// <param name="exchange">The exchange it was published to (messaging.destination.name of the span).</param>
    public async Task RunAsync(InboundMessage message, IChannel channel, CancellationToken abandon, string? exchange = null)
    {
        // Everything below (HSM, directory, publishes) runs as children of this span.
        using var activity = WorkerTracing.StartProcess(message, exchange);
        using var running = _running.Start();
        var started = Stopwatch.GetTimestamp();
        var attempt = _producers.AttemptOf(message);
        JobOutcome outcome;
        try
        {
            outcome = await _processor.ProcessAsync(message, attempt, abandon).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            outcome = JobOutcome.Abandoned(null);
        }

        var settlement = SettlementPolicy.Decide(outcome.Kind, attempt, _retry.MaxAttempts);
        try
        {
            await _settler.SettleAsync(message, outcome, settlement, attempt,
                () => channel.BasicAckAsync(message.DeliveryTag, multiple: false),
                () => channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BrokerUnavailableException or AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // Whatever was not confirmed is not acked: the broker redelivers the message (to this
            // worker after recovery, or to another), and CompletedRequests settles it if it was done.
            _logger.LogWarning(LogEvents.SettleFailed, "Could not settle request {RequestId} ({Action}): {Reason}. The broker will redeliver it.",
                outcome.RequestId, settlement.Action, ex.Message);
            await TryHandBackAsync(channel, message).ConfigureAwait(false);
        }

        var outcomeName = outcome.Kind switch
        {
            OutcomeKind.Completed => "completed",
            OutcomeKind.Duplicate => "duplicate",
            OutcomeKind.Abandoned => "abandoned",
            _ => outcome.Code ?? ErrorCodes.InternalError,
        };
        WorkerTracing.Finish(activity, outcome, outcomeName, attempt, settlement.Action);
        WorkerMetrics.Processed(outcome.KindName, outcomeName, Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (message.Timestamp is { } sent && settlement.Action is SettlementAction.Ack or SettlementAction.DeadLetter)
            WorkerMetrics.Lag(outcome.KindName, WorkerTracing.LaneName(message.Lane), Math.Max(0, (_time.GetUtcNow() - sent).TotalSeconds));
    }

    private static async Task TryHandBackAsync(IChannel channel, InboundMessage message)
    {
        try
        {
            await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // The channel is closed: the broker has already requeued the delivery.
        }
    }
}
