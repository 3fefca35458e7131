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

    /// <summary>The routing key for the kind's wire name <paramref name="kind"/> in <paramref name="lane"/>.</summary>
    public static string KeyOf(string kind, Lane lane) => lane switch
    {
        Lane.Interactive => kind,
        Lane.Bulk => kind + BulkSuffix,
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, "Unknown lane."),
    };
}
