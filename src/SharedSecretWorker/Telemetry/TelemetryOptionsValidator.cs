using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Telemetry;

/// <summary>Checks <see cref="TelemetryOptions"/> at start-up, naming the key that is wrong.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.PrometheusEndpoint))
        {
            if (options.PrometheusUri is not { } uri)
                failures.Add($"Telemetry:PrometheusEndpoint '{options.PrometheusEndpoint}' is not an http:// URL such as {TelemetryOptions.DefaultPrometheusEndpoint} (empty switches the endpoint off).");
            else if (uri.AbsolutePath.Length <= 1 || uri.AbsolutePath.TrimEnd('/') is "/healthz" or "/readyz")
                failures.Add($"Telemetry:PrometheusEndpoint '{options.PrometheusEndpoint}' needs a path of its own such as /metrics (/healthz and /readyz are served beside it).");
            else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
                failures.Add($"Telemetry:PrometheusEndpoint '{options.PrometheusEndpoint}' may have neither a query nor user information.");
        }
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && (options.OtlpUri is not { } otlp || (otlp.Scheme != Uri.UriSchemeHttp && otlp.Scheme != Uri.UriSchemeHttps)))
            failures.Add($"Telemetry:OtlpEndpoint '{options.OtlpEndpoint}' is not an http:// or https:// URL such as http://127.0.0.1:4317 (empty switches OTLP off).");
        if (options.OtlpProtocol is not ("Grpc" or "HttpProtobuf"))
            failures.Add($"Telemetry:OtlpProtocol '{options.OtlpProtocol}' must be Grpc or HttpProtobuf.");
        if (options.HealthCheckInterval <= TimeSpan.Zero)
            failures.Add($"Telemetry:HealthCheckInterval must be positive (it is {options.HealthCheckInterval}).");
        if (options.HealthCheckTimeout <= TimeSpan.Zero)
            failures.Add($"Telemetry:HealthCheckTimeout must be positive (it is {options.HealthCheckTimeout}).");
        if (options.StuckJobThreshold <= TimeSpan.Zero)
            failures.Add($"Telemetry:StuckJobThreshold must be positive (it is {options.StuckJobThreshold}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
