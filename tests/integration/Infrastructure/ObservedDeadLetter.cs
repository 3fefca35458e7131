using System.Text;

namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>A dead letter as it arrived in the dead-letter queue, with its properties.</summary>
/// <param name="Body">The body as received.</param>
/// <param name="MessageId">AMQP message_id.</param>
/// <param name="CorrelationId">AMQP correlation_id.</param>
/// <param name="ReplyTo">AMQP reply_to.</param>
/// <param name="AppId">AMQP app_id.</param>
/// <param name="Headers">Its headers.</param>
public sealed record ObservedDeadLetter(byte[] Body, string? MessageId, string? CorrelationId, string? ReplyTo, string? AppId,
    IReadOnlyDictionary<string, object?> Headers)
{
    /// <summary>A header as text (AMQP strings arrive as bytes), or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    } : null;
}
