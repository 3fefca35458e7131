using System.Text;
using RabbitMQ.Client;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Consuming;

/// <summary>
/// A delivery, copied out of the client's buffers: RabbitMQ.Client 7 only guarantees the body
/// while the ReceivedAsync handler runs, and the job outlives the handler.
/// </summary>
public sealed class InboundMessage
{
    private InboundMessage(Lane lane, string queue, ulong deliveryTag, bool redelivered, string routingKey, byte[] body)
    {
        Lane = lane;
        Queue = queue;
        DeliveryTag = deliveryTag;
        Redelivered = redelivered;
        RoutingKey = routingKey;
        Body = body;
    }

    public Lane Lane { get; }
    public string Queue { get; }
    public ulong DeliveryTag { get; }
    public bool Redelivered { get; }
    public string RoutingKey { get; }
    public byte[] Body { get; }
    public string? MessageId { get; private init; }
    public string? UserId { get; private init; }
    public DateTimeOffset? Timestamp { get; private init; }
    public IReadOnlyDictionary<string, object?> Headers { get; private init; } = new Dictionary<string, object?>();

    /// <summary>Copies what the job needs from a delivery.</summary>
    public static InboundMessage Copy(Lane lane, string queue, ulong deliveryTag, bool redelivered, string routingKey,
        IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body) =>
        new(lane, queue, deliveryTag, redelivered, routingKey, body.ToArray())
        {
            MessageId = properties.IsMessageIdPresent() ? properties.MessageId : null,
            UserId = properties.IsUserIdPresent() ? properties.UserId : null,
            Timestamp = properties.IsTimestampPresent() && properties.Timestamp.UnixTime > 0
                ? DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime)
                : null,
            Headers = properties.Headers is { } headers ? new Dictionary<string, object?>(headers) : new Dictionary<string, object?>(),
        };

    /// <summary>For tests: a message as if delivered.</summary>
    internal static InboundMessage ForTest(Lane lane, byte[] body, string routingKey = "enrollment", string? messageId = null,
        string? userId = null, IReadOnlyDictionary<string, object?>? headers = null) =>
        new(lane, "test", 1, false, routingKey, body)
        {
            MessageId = messageId,
            UserId = userId,
            Headers = headers ?? new Dictionary<string, object?>(),
        };

    /// <summary>A header as text (AMQP strings arrive as byte arrays).</summary>
    public string? HeaderText(string name) => Headers.TryGetValue(name, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        null => null,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    } : null;

    /// <summary>A header as a whole number, or null.</summary>
    public long? HeaderNumber(string name) => Headers.TryGetValue(name, out var value) ? value switch
    {
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        byte[] bytes when long.TryParse(Encoding.ASCII.GetString(bytes), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    } : null;
}
