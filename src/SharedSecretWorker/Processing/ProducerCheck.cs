using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Applies <see cref="SecurityOptions.Producers"/> and reads the attempt number. Both trust worker-made
/// copies (delayed deliveries, published with the worker's own user_id, which the broker validates)
/// for the original producer and the attempt, and nothing else: a producer cannot publish as the
/// worker's user.
/// </summary>
internal sealed class ProducerCheck(IOptions<SecurityOptions> options)
{
    private readonly Dictionary<string, HashSet<string>> _allowed = options.Value.Producers.ToDictionary(
        p => p.Key, p => new HashSet<string>(p.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The RabbitMQ user that sent the original request, when known.</summary>
    public string? ProducerOf(InboundMessage message) =>
        message.IsWorkerCopy ? message.HeaderText(MessageHeaders.Producer) : message.UserId;

    /// <summary>This delivery's attempt number, 1 for a producer's message.</summary>
    public int AttemptOf(InboundMessage message) =>
        message.IsWorkerCopy && message.HeaderNumber(MessageHeaders.Attempt) is { } n
            ? (int)Math.Clamp(n, 1, int.MaxValue)
            : 1;

    /// <summary>Null when allowed, else the reason (no user name of anyone else is disclosed).</summary>
    public string? Refusal(RequestKind kind, InboundMessage message)
    {
        if (!_allowed.TryGetValue(kind.ToWireName(), out var users)) return null;
        var producer = ProducerOf(message);
        if (producer is null)
            return $"{kind.ToWireName()} requests are accepted only from listed producers (Security:Producers), and this message has no user_id property.";
        return users.Contains(producer)
            ? null
            : $"The RabbitMQ user '{producer}' may not send {kind.ToWireName()} requests (Security:Producers:{kind.ToWireName()}).";
    }
}
