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

    /// <summary>AMQP reply_to (kept from the request on its copies).</summary>
    public string? ReplyTo { get; init; }

    /// <summary>AMQP app_id (kept from the request on its copies).</summary>
    public string? AppId { get; init; }

    /// <summary>AMQP type (kept from the request on its copies).</summary>
    public string? Type { get; init; }

    /// <summary>
    /// Published with <c>mandatory</c>: when no queue is bound to take it the broker returns it and the
    /// publish fails with <see cref="Processing.MessageUnroutableException"/>. Only results are not.
    /// </summary>
    public bool Mandatory { get; init; } = true;

    /// <summary>AMQP user_id; the broker refuses a value other than the connection's user.</summary>
    public string? UserId { get; init; }

    /// <summary>The content_type of what the worker writes.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>AMQP content_type.</summary>
    public string ContentType { get; init; } = JsonContentType;

    /// <summary>AMQP timestamp (Unix seconds); null for now.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Per-message TTL (AMQP expiration), for jittered retry delays.</summary>
    public TimeSpan? Expiration { get; init; }

    /// <summary>Headers.</summary>
    public IReadOnlyDictionary<string, object?>? Headers { get; init; }

    /// <summary>
    /// A copy of a delivered request that the worker publishes (a delayed delivery or a dead letter):
    /// the same body and properties, as the broker's own dead-lettering keeps them, and the worker's
    /// own user_id, which the broker validates: that is what makes the worker's headers on the copy
    /// trustworthy when it comes back (<see cref="DeliveryCopy"/>).
    /// </summary>
    public static OutgoingMessage CopyOf(Processing.InboundMessage message, string exchange, string routingKey, string workerUser,
        IReadOnlyDictionary<string, object?> headers) =>
        new(exchange, routingKey, message.Body)
        {
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            ReplyTo = message.ReplyTo,
            AppId = message.AppId,
            Type = message.Type,
            ContentType = message.ContentType ?? JsonContentType,
            UserId = workerUser,
            Timestamp = message.Timestamp,
            Headers = headers,
        };
}
