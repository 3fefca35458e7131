using System.Text;
using Microsoft.Extensions.Logging;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Gives a failed result (<c>delivery-limit-reached</c>) to each request the broker dead-lettered on its
/// own, past a lane queue's <c>x-delivery-limit</c>: no attempt of it finished, so nothing else would ever
/// report it, and its batch would wait for it for ever. It sees every copy that reaches the dead-letter
/// exchange and tells the broker's (an <c>x-death</c> entry with reason <c>delivery_limit</c> first, no
/// <c>x-shrtok-error-code</c>) from the worker's own dead letters, whose result was already published.
/// </summary>
internal sealed class DeliveryLimitReporter(RequestParser parser, IMessagePublisher publisher, ProducerCheck producers, IAddressDigest addresses, TimeProvider time,
    ILogger<DeliveryLimitReporter> logger)
{
    /// <summary>The <c>x-death</c> reason RabbitMQ gives a quorum queue's delivery-limit dead letter.</summary>
    public const string DeliveryLimitReason = "delivery_limit";

    /// <summary>
    /// Publishes the failed result of <paramref name="message"/> when it is a delivery-limit dead letter
    /// (true), or does nothing (false). Returns once the result is confirmed; throws
    /// <see cref="BrokerUnavailableException"/> otherwise (the copy should then be handed back).
    /// </summary>
    public async Task<bool> ReportAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsDeliveryLimitDeadLetter(message, out var queue)) return false;
        var deliveries = message.HeaderNumber("x-delivery-count");

        var reason = $"The broker dead-lettered the request from {queue} when it reached the queue's delivery limit"
            + (deliveries is { } n ? $" ({n} deliveries)" : "") + ": workers crashed or handed it back each time, and no attempt finished.";
        var attempt = producers.AttemptOf(message);
        var now = time.GetUtcNow();
        // The body as the lanes read it (an oversized one is never a delivery-limit dead letter: it is refused at once).
        var parsed = message.OriginalBodySize is { } size
            ? ParseResult.Failure(RequestParser.Oversized(size, message.MessageId))
            : parser.Parse(message.Body, message.MessageId);
        var result = parsed.Succeeded
            ? ResultMessage.Failed(parsed.Request, ErrorCodes.DeliveryLimitReached, reason, attempt, now).WithDeliveryOf(parsed.Request, addresses)
            : ResultMessage.Rejected(parsed.Rejection with { Code = ErrorCodes.DeliveryLimitReached, Message = reason }, now, attempt);
        await publisher.PublishResultAsync(result, producers.ProducerOf(message), completed: null, cancellationToken).ConfigureAwait(false);

        var kind = result.Kind?.ToWireName() ?? ResultMessage.UnknownKindWord;
        WorkerMetrics.DeadLettered(kind, ErrorCodes.DeliveryLimitReached);
        ProcessingLog.DeliveryLimitReached(logger, result.RequestId ?? "(none)", queue);
        return true;
    }

    /// <summary>True for a message the broker dead-lettered past a delivery limit, not one the worker dead-lettered.</summary>
    /// <param name="message">A copy from the dead-letter exchange.</param>
    /// <param name="queue">The queue the broker dead-lettered it from.</param>
    internal static bool IsDeliveryLimitDeadLetter(InboundMessage message, out string queue)
    {
        queue = "";
        if (message.Headers.ContainsKey(MessageHeaders.ErrorCode)) return false;
        // x-death lists the message's dead-letterings, the latest first: a table with queue, reason, count, ...
        if (!message.Headers.TryGetValue("x-death", out var value) || value is not IEnumerable<object?> deaths) return false;
        if (deaths.FirstOrDefault() is not IDictionary<string, object?> latest) return false;
        if (!string.Equals(Text(latest, "reason"), DeliveryLimitReason, StringComparison.Ordinal)) return false;
        queue = Text(latest, "queue") ?? "its queue";
        return true;
    }

    private static string? Text(IDictionary<string, object?> table, string key) => table.TryGetValue(key, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        _ => null,
    } : null;
}
