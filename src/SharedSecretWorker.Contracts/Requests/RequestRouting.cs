namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// Routing keys of requests on the requests exchange (docs/messages.md, "Routing keys"). The broker
/// routes on routing keys, not bodies, so a bulk request carries its lane in its key.
/// </summary>
public static class RequestRouting
{
    /// <summary>Routing-key suffix of bulk requests: <c>enrollment.bulk</c> (an extension of the agreed contract).</summary>
    public const string BulkSuffix = ".bulk";

    /// <summary>The routing key a producer uses for <paramref name="kind"/> in <paramref name="lane"/>.</summary>
    public static string KeyOf(RequestKind kind, Lane lane) => KeyOf(kind.ToWireName(), lane);

    /// <summary>
    /// The header that carries a request's target key (docs/messages.md, "Partitions"). The broker's
    /// consistent-hash exchange routes on it, so that every request for one target reaches the same
    /// partition queue, which one worker at a time consumes. Not an <c>x-shrtok-</c> header: the
    /// producer sets it, and the worker checks it against the body before it does anything.
    /// </summary>
    public const string TargetKeyHeader = "target-key";

    /// <summary>
    /// The target key of a request body (<see cref="RequestTarget.Key"/>: the uid folded as the
    /// directory compares uids, or the serial in decimal), or null when the body is not a request the
    /// worker would accept. A request published without it still works: the worker puts the key on it
    /// and routes it to its partition, one hop later.
    /// </summary>
    public static string? TargetKeyOf(ReadOnlyMemory<byte> body)
    {
        var parsed = RequestParser.ForRouting.Parse(body, amqpMessageId: null);
        return parsed.Succeeded ? parsed.Request.Target.Key : null;
    }

    /// <summary>The routing key for the kind's wire name <paramref name="kind"/> in <paramref name="lane"/>.</summary>
    public static string KeyOf(string kind, Lane lane) => lane switch
    {
        Lane.Interactive => kind,
        Lane.Bulk => kind + BulkSuffix,
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, "Unknown lane."),
    };
}
