using System.Text.Json;

namespace SharedSecretWorker.Publishing.Messages;

/// <summary>JSON (UTF-8, <c>application/json</c>) of results and delivery notices, both ways.</summary>
public static class MessageJson
{
    /// <summary>AMQP <c>content_type</c> of every message the worker publishes (contract: Messages).</summary>
    public const string ContentType = "application/json";

    /// <summary>AMQP <c>content_encoding</c> of every message the worker publishes.</summary>
    public const string ContentEncoding = "utf-8";

    /// <summary>The result as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(ResultMessage result) =>
        JsonSerializer.SerializeToUtf8Bytes(result ?? throw new ArgumentNullException(nameof(result)), MessageJsonContext.Default.ResultMessage);

    /// <summary>The notice as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(DeliveryNotice notice) =>
        JsonSerializer.SerializeToUtf8Bytes(notice ?? throw new ArgumentNullException(nameof(notice)), MessageJsonContext.Default.DeliveryNotice);

    /// <summary>Reads a result. Unknown members are ignored (newer workers may add some).</summary>
    /// <exception cref="JsonException">Not JSON, or a required member is missing, null or of the wrong type.</exception>
    public static ResultMessage ReadResult(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, MessageJsonContext.Default.ResultMessage)
            ?? throw new JsonException("The result is JSON null, not an object.");

    /// <summary>Reads a delivery notice. Unknown members are ignored (newer workers may add some).</summary>
    /// <exception cref="JsonException">Not JSON, or a required member is missing, null or of the wrong type.</exception>
    public static DeliveryNotice ReadNotice(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, MessageJsonContext.Default.DeliveryNotice)
            ?? throw new JsonException("The notice is JSON null, not an object.");
}
