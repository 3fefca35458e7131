using System.Net;
using System.Net.Sockets;

namespace SharedSecretWorker.Tests.Shared;

/// <summary>A loopback port nobody listens on now (HttpListener cannot bind port 0 itself).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>A scrape endpoint on a free port, for Telemetry:PrometheusEndpoint.</summary>
    public static Uri MetricsEndpoint() => new($"http://127.0.0.1:{Next()}/metrics");
}
