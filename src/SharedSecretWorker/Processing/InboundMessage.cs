using System.Globalization;
using System.Text;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Processing;

/// <summary>
/// One delivered request as processing sees it: the broker adapter copies it out of the client's
/// buffers (RabbitMQ.Client 7 only guarantees the body while its handler runs, and the job
/// outlives the handler) into plain values, so that nothing here knows the broker's types.
/// </summary>
public sealed class InboundMessage
{
    /// <summary>The lane (queue) it was consumed from.</summary>
    public required Lane Lane { get; init; }

    /// <summary>The queue it was consumed from.</summary>
    public required string Queue { get; init; }

    /// <summary>
    /// True when it was consumed from a partition queue, whose single active consumer this worker is:
    /// a request whose <see cref="TargetKey"/> matches its target is processed here; any other request is
    /// routed on to its partition first (docs/messages.md, "Partitions").
    /// </summary>
    public bool IsPartitioned { get; init; }

    /// <summary>The target key the message was routed on (the <c>target-key</c> header), if it had one.</summary>
    public string? TargetKey { get; init; }

    /// <summary>The exchange it was published to, when known (messaging.destination.name of its span).</summary>
    public string? Exchange { get; init; }

    /// <summary>The broker's delivery tag on its channel (a span attribute; the acknowledgement is the adapter's).</summary>
    public ulong DeliveryTag { get; init; }

    /// <summary>True when the broker delivered it before (a crash or hand-back, not a failed attempt).</summary>
    public bool Redelivered { get; init; }

    /// <summary>Its routing key.</summary>
    public required string RoutingKey { get; init; }

    /// <summary>
    /// The body, copied; only its first bytes (an excerpt) when it was larger than the request limit
    /// (<see cref="OriginalBodySize"/> is then set).
    /// </summary>
    public required byte[] Body { get; init; }

    /// <summary>
    /// The delivered body's size in bytes when <see cref="Body"/> is only an excerpt of it (the body was
    /// larger than <see cref="RequestParser.MaxBodyBytes"/> and was not copied whole); null when whole.
    /// </summary>
    public int? OriginalBodySize { get; init; }

    /// <summary>The delivered body's size in bytes.</summary>
    public int BodySize => OriginalBodySize ?? Body.Length;

    /// <summary>AMQP content_type.</summary>
    public string? ContentType { get; init; }

    /// <summary>AMQP correlation_id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>AMQP reply_to.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>AMQP app_id.</summary>
    public string? AppId { get; init; }

    /// <summary>AMQP type.</summary>
    public string? Type { get; init; }

    /// <summary>AMQP message_id.</summary>
    public string? MessageId { get; init; }

    /// <summary>AMQP user_id, which the broker validated against the publishing connection's user.</summary>
    public string? UserId { get; init; }

    /// <summary>
    /// True when <see cref="UserId"/> is the worker's own broker user: the message is a copy the
    /// worker made (a delayed delivery), so its attempt and producer headers can be trusted.
    /// </summary>
    public bool IsWorkerCopy { get; init; }

    /// <summary>AMQP timestamp, when the producer set one.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The message's headers as the broker delivered them.</summary>
    public IReadOnlyDictionary<string, object?> Headers { get; init; } = new Dictionary<string, object?>();

    /// <summary>A header as text (AMQP strings arrive as byte arrays).</summary>
    public string? HeaderText(string name) => Headers.TryGetValue(name, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        null => null,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    } : null;

    /// <summary>A header as a whole number, or null.</summary>
    public long? HeaderNumber(string name) => Headers.TryGetValue(name, out var value) ? value switch
    {
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        byte[] bytes when long.TryParse(Encoding.ASCII.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    } : null;
}
