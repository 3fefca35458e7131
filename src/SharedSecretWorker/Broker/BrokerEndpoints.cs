using System.Globalization;
using RabbitMQ.Client;

namespace SharedSecretWorker.Broker;

/// <summary>
/// The nodes of a broker cluster to connect to: <c>RabbitMq:Uri</c>'s and <c>RabbitMq:Endpoints</c>.
/// RabbitMQ.Client tries a list of endpoints in random order (its default endpoint resolver), for the
/// first connection and for every automatic recovery, which is what makes a client fail over.
/// </summary>
public static class BrokerEndpoints
{
    /// <summary>Every endpoint, the factory's own first; each extra node with the factory's TLS settings and its own host name.</summary>
    public static IList<AmqpTcpEndpoint> Of(ConnectionFactory factory, IEnumerable<string> extra)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var endpoints = new List<AmqpTcpEndpoint> { factory.Endpoint };
        foreach (var entry in extra)
        {
            if (!TryParse(entry, out var host, out var port))
                throw new InvalidOperationException($"RabbitMq:Endpoints holds '{entry}', which is not host:port.");
            var ssl = new SslOption(host, enabled: factory.Ssl.Enabled)
            {
                Version = factory.Ssl.Version,
                CertificateValidationCallback = factory.Ssl.CertificateValidationCallback,
                AcceptablePolicyErrors = factory.Ssl.AcceptablePolicyErrors,
            };
            endpoints.Add(new AmqpTcpEndpoint(host, port, ssl));
        }
        return endpoints;
    }

    /// <summary>Reads <c>host:port</c> (a bracketed IPv6 address works too).</summary>
    public static bool TryParse(string? entry, out string host, out int port)
    {
        host = "";
        port = 0;
        if (string.IsNullOrWhiteSpace(entry)) return false;
        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || colon == entry.Length - 1) return false;
        if (!int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535) return false;
        host = entry[..colon].Trim('[', ']');
        return host.Length > 0 && Uri.CheckHostName(host) != UriHostNameType.Unknown;
    }

    /// <summary>The extra nodes for messages: empty when there are none.</summary>
    public static string Describe(IReadOnlyCollection<string> extra) => extra.Count == 0 ? "" : $" (or {string.Join(", ", extra)})";
}
