using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Delivery;

/// <summary>
/// Configuration section <c>Delivery</c>: the hand-off channels and the recipient certificate of
/// each (docs/messages.md: <c>Delivery:Channels:&lt;name&gt;:CertificateFile</c>). A channel's name is also
/// the routing key of its delivery notices.
/// </summary>
public sealed class DeliveryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Delivery";

    /// <summary>Longest channel name; it is an AMQP routing key and a log/metric label.</summary>
    public const int MaxChannelNameLength = RequestParser.MaxChannelNameLength;

    /// <summary>
    /// Channel name to channel settings. Names are compared ordinally: requests must spell the
    /// channel as it is configured, the way routing keys are matched.
    /// </summary>
    public Dictionary<string, DeliveryChannelOptions> Channels { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Configuration key of a channel's certificate file, as error messages name it.</summary>
    public static string CertificateFileKey(string channel) => $"{SectionName}:Channels:{channel}:CertificateFile";
}
