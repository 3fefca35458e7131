namespace SharedSecretWorker.Broker;

/// <summary>One message to publish.</summary>
/// <param name="Exchange">Target exchange.</param>
/// <param name="RoutingKey">Routing key.</param>
/// <param name="Body">JSON body (UTF-8) or the copied request body.</param>
public sealed record OutgoingMessage(string Exchange, string RoutingKey, ReadOnlyMemory<byte> Body)
{
    /// <summary>AMQP message_id.</summary>
    public string? MessageId { get; init; }

    /// <summary>AMQP correlation_id (the request id on results and notices).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>AMQP user_id; the broker refuses a value other than the connection's user.</summary>
    public string? UserId { get; init; }

    /// <summary>AMQP content_type.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>AMQP timestamp (Unix seconds); null for now.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Per-message TTL (AMQP expiration), for jittered retry delays.</summary>
    public TimeSpan? Expiration { get; init; }

    /// <summary>Headers.</summary>
    public IReadOnlyDictionary<string, object?>? Headers { get; init; }
}
