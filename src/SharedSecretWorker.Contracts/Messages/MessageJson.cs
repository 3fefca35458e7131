using System.Text.Encodings.Web;
using System.Text.Json;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>JSON (UTF-8, <c>application/json</c>) of results, delivery notices and the lifecycle's consumed- and expired-token events, both ways.</summary>
public static class MessageJson
{
    /// <summary>AMQP <c>content_type</c> of every message the worker publishes (docs/messages.md).</summary>
    public const string ContentType = "application/json";

    /// <summary>AMQP <c>content_encoding</c> of every message the worker publishes.</summary>
    public const string ContentEncoding = "utf-8";

    /// <summary>
    /// The generated context with the relaxed encoder: error messages quote names ('uid'), and the
    /// default encoder would write every quote and non-ASCII letter as \uXXXX, which is valid JSON
    /// but unreadable in a queue browser. The messages are never embedded in HTML.
    /// </summary>
    private static readonly MessageJsonContext Context = new(new JsonSerializerOptions(MessageJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The result as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(ResultMessage result) =>
        JsonSerializer.SerializeToUtf8Bytes(result ?? throw new ArgumentNullException(nameof(result)), Context.ResultMessage);

    /// <summary>The notice as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(DeliveryNotice notice) =>
        JsonSerializer.SerializeToUtf8Bytes(notice ?? throw new ArgumentNullException(nameof(notice)), Context.DeliveryNotice);

    /// <summary>The consumed-token event as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(TokenConsumedEvent consumed) =>
        JsonSerializer.SerializeToUtf8Bytes(consumed ?? throw new ArgumentNullException(nameof(consumed)), Context.TokenConsumedEvent);

    /// <summary>The expired-token event as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(TokenExpiredEvent expired) =>
        JsonSerializer.SerializeToUtf8Bytes(expired ?? throw new ArgumentNullException(nameof(expired)), Context.TokenExpiredEvent);

    /// <summary>Reads an expired-token event (routing key <c>KIND.expired</c>). Unknown members are ignored.</summary>
    /// <exception cref="JsonException">Not JSON, or a required member is missing, null or of the wrong type.</exception>
    public static TokenExpiredEvent ReadExpired(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, Context.TokenExpiredEvent)
            ?? throw new JsonException("The event is JSON null, not an object.");

    /// <summary>Reads a consumed-token event (routing key <c>KIND.consumed</c>). Unknown members are ignored.</summary>
    /// <exception cref="JsonException">Not JSON, or a required member is missing, null or of the wrong type.</exception>
    public static TokenConsumedEvent ReadConsumed(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, Context.TokenConsumedEvent)
            ?? throw new JsonException("The event is JSON null, not an object.");

    /// <summary>Reads a result. Unknown members are ignored (newer workers may add some).</summary>
    /// <exception cref="JsonException">Not JSON, or a required member is missing, null or of the wrong type.</exception>
    public static ResultMessage ReadResult(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, Context.ResultMessage)
            ?? throw new JsonException("The result is JSON null, not an object.");

    /// <summary>Reads a delivery notice. Unknown members are ignored (newer workers may add some).</summary>
    /// <exception cref="JsonException">Not JSON, or a required member is missing, null or of the wrong type.</exception>
    public static DeliveryNotice ReadNotice(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, Context.DeliveryNotice)
            ?? throw new JsonException("The notice is JSON null, not an object.");
}
