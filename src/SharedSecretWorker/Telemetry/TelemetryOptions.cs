namespace SharedSecretWorker.Telemetry;

/// <summary>Where telemetry goes and how health is judged (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Default scrape endpoint: loopback only (the contract's default; a Prometheus on another host
    /// scrapes through a reverse proxy or an explicit address). /healthz and /readyz share its host and port.
    /// </summary>
    public const string DefaultPrometheusEndpoint = "http://127.0.0.1:9464/metrics";

    /// <summary>Default OTLP protocol (the collector's default port 4317).</summary>
    public const string DefaultOtlpProtocol = "Grpc";

    /// <summary>Default interval of the active directory and HSM health checks behind /readyz.</summary>
    public static readonly TimeSpan DefaultHealthCheckInterval = TimeSpan.FromSeconds(15);

    /// <summary>Default time one health check may take before it counts as failed.</summary>
    public static readonly TimeSpan DefaultHealthCheckTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Default age beyond which a running job counts as stuck (liveness fails, the watchdog stops):
    /// far above the LDAP and HSM timeouts and the retry of a publish, so only a hang reaches it.
    /// </summary>
    public static readonly TimeSpan DefaultStuckJobThreshold = TimeSpan.FromMinutes(5);

    /// <summary>
    /// http://host:port/path of the Prometheus scrape endpoint; /healthz and /readyz are served on
    /// the same host and port. Empty: no HTTP listener at all (no metrics endpoint, no health endpoints).
    /// </summary>
    public string PrometheusEndpoint { get; set; } = DefaultPrometheusEndpoint;

    /// <summary>OTLP collector endpoint (traces, metrics, logs); empty: off.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary><c>Grpc</c> or <c>HttpProtobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = DefaultOtlpProtocol;

    /// <summary>How often the directory and the HSM are checked for /readyz.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = DefaultHealthCheckInterval;

    /// <summary>How long one check may take.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = DefaultHealthCheckTimeout;

    /// <summary>A job running longer than this means the worker is stuck (/healthz fails, no watchdog ping).</summary>
    public TimeSpan StuckJobThreshold { get; set; } = DefaultStuckJobThreshold;

    /// <summary>The scrape endpoint, or null when off or not a valid http URL (the validator reports that).</summary>
    public Uri? PrometheusUri =>
        !string.IsNullOrWhiteSpace(PrometheusEndpoint) && Uri.TryCreate(PrometheusEndpoint, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            ? uri
            : null;

    /// <summary>The OTLP endpoint, or null when off.</summary>
    public Uri? OtlpUri =>
        !string.IsNullOrWhiteSpace(OtlpEndpoint) && Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) ? uri : null;
}
