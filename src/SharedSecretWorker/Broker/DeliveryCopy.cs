using RabbitMQ.Client.Events;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Copies a delivery out of the client's buffers into processing's plain <see cref="InboundMessage"/>:
/// RabbitMQ.Client 7 only guarantees the body while the ReceivedAsync handler runs, and the job
/// outlives the handler. A body larger than the request limit is not copied whole: it is refused
/// unread, and only its first <see cref="ExcerptBytes"/> are kept for the dead letter.
/// </summary>
internal static class DeliveryCopy
{
    /// <summary>How much of an oversized body is kept (and dead-lettered).</summary>
    public const int ExcerptBytes = 4 * 1024;

    /// <param name="queue">The queue it came from.</param>
    /// <param name="delivery">The client's delivery.</param>
    /// <param name="workerUser">The worker's own broker user: a message whose broker-validated user_id is
    /// this one is a copy the worker made, whose attempt and producer headers can be trusted.</param>
    public static InboundMessage From(RequestQueue queue, BasicDeliverEventArgs delivery, string workerUser)
    {
        var properties = delivery.BasicProperties;
        var userId = properties.IsUserIdPresent() ? properties.UserId : null;
        // The size first: a body past the limit is refused without being read, so there is no
        // reason to copy (or later dead-letter) more than an excerpt of it.
        var size = delivery.Body.Length;
        var oversized = size > RequestParser.MaxBodyBytes;
        var isWorkerCopy = userId is { Length: > 0 } && workerUser.Length > 0 && string.Equals(userId, workerUser, StringComparison.Ordinal);
        return new InboundMessage
        {
            Lane = queue.Lane,
            Queue = queue.Name,
            IsPartitioned = queue.IsPartition,
            TargetKey = TargetKeyOf(properties.Headers),
            Exchange = delivery.Exchange,
            DeliveryTag = delivery.DeliveryTag,
            Redelivered = delivery.Redelivered,
            RoutingKey = delivery.RoutingKey,
            Body = oversized ? delivery.Body[..ExcerptBytes].ToArray() : delivery.Body.ToArray(),
            OriginalBodySize = oversized ? size : null,
            MessageId = properties.IsMessageIdPresent() ? properties.MessageId : null,
            ContentType = properties.IsContentTypePresent() ? properties.ContentType : null,
            CorrelationId = properties.IsCorrelationIdPresent() ? properties.CorrelationId : null,
            ReplyTo = properties.IsReplyToPresent() ? properties.ReplyTo : null,
            AppId = properties.IsAppIdPresent() ? properties.AppId : null,
            Type = properties.IsTypePresent() ? properties.Type : null,
            UserId = userId,
            IsWorkerCopy = isWorkerCopy,
            Timestamp = properties.IsTimestampPresent() && properties.Timestamp.UnixTime > 0
                ? DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime)
                : null,
            Headers = CopyHeaders(properties.Headers, isWorkerCopy),
        };
    }

    /// <summary>
    /// The target key the broker hashed, if the message had one: only an AMQP long string (which
    /// RabbitMQ.Client hands over as bytes) counts, since RabbitMQ 3.10's ring hashes a header's type
    /// with its value, and the same text as another type may have been sent to another partition.
    /// </summary>
    private static string? TargetKeyOf(IDictionary<string, object?>? headers) =>
        headers is not null && headers.TryGetValue(RequestRouting.TargetKeyHeader, out var value) && value is byte[] bytes
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : null;

    /// <summary>
    /// The headers, without the worker's own (<c>x-shrtok-*</c>) unless the message is the worker's own
    /// copy: a producer's forged attempt or producer header reaches neither processing nor the retry and
    /// dead-letter copies made from the message (docs/messages.md, "Headers").
    /// </summary>
    private static Dictionary<string, object?> CopyHeaders(IDictionary<string, object?>? headers, bool isWorkerCopy)
    {
        var copy = new Dictionary<string, object?>();
        if (headers is null) return copy;
        foreach (var (name, value) in headers)
        {
            if (!isWorkerCopy && name.StartsWith(MessageHeaders.Prefix, StringComparison.OrdinalIgnoreCase)) continue;
            copy[name] = value;
        }
        return copy;
    }
}
