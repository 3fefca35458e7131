using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Hosting;

/// <summary>
/// Serves /healthz (liveness) and /readyz (readiness) on the host and port of
/// Telemetry:PrometheusEndpoint, beside the Prometheus exporter's /metrics.
/// Why two HttpListeners instead of Kestrel: the daemon stays a plain Worker SDK process (no ASP.NET
/// Core shared framework for the daemon or for shrtok, which references this assembly), and the
/// OpenTelemetry HttpListener exporter keeps serving /metrics as documented. On Linux, .NET's
/// managed HttpListener shares one socket per address and port among all listeners of a process
/// and hands each request to the listener with the longest matching prefix, so the exporter's
/// <c>/metrics/</c> and our <c>/healthz/</c> and <c>/readyz/</c> live on the same port.
/// </summary>
internal sealed class HealthEndpoint : IHostedService, IDisposable
{
    internal const string LivenessPath = "/healthz";
    internal const string ReadinessPath = "/readyz";
    private const string PlainText = "text/plain; charset=utf-8";

    private readonly WorkerHealth _health;
    private readonly TelemetryOptions _options;
    private readonly ILogger<HealthEndpoint> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private HttpListener? _listener;
    private Task? _loop;

    public HealthEndpoint(WorkerHealth health, IOptions<TelemetryOptions> options, ILogger<HealthEndpoint> logger)
    {
        _health = health;
        _options = options.Value;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.PrometheusUri is not { } endpoint) return Task.CompletedTask;
        var root = $"{endpoint.Scheme}://{endpoint.Authority}";
        var listener = new HttpListener();
        listener.Prefixes.Add(root + LivenessPath + "/");
        listener.Prefixes.Add(root + ReadinessPath + "/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException ex)
        {
            listener.Close();
            throw new InvalidOperationException($"Cannot serve {root}{LivenessPath} and {ReadinessPath} (Telemetry:PrometheusEndpoint): {ex.Message}.", ex);
        }
        _listener = listener;
        _loop = Task.Run(() => AcceptAsync(listener), CancellationToken.None);
        HostingLog.TelemetryEndpoint(_logger, endpoint, root + LivenessPath, root + ReadinessPath);
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(HttpListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException ex)
            {
                HostingLog.HealthEndpointError(_logger, ex.Message);
                continue;
            }
            Respond(context);
        }
    }

    private void Respond(HttpListenerContext context)
    {
        try
        {
            var path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
            var report = path switch
            {
                LivenessPath => _health.Liveness(),
                ReadinessPath => _health.Readiness(),
                _ => null,
            };
            var response = context.Response;
            response.ContentType = PlainText;
            response.Headers["Cache-Control"] = "no-store";
            response.StatusCode = report is null ? (int)HttpStatusCode.NotFound
                : report.Healthy ? (int)HttpStatusCode.OK : (int)HttpStatusCode.ServiceUnavailable;
            var body = Encoding.UTF8.GetBytes(report?.ToText() ?? "not found\n");
            response.ContentLength64 = body.Length;
            if (!string.Equals(context.Request.HttpMethod, "HEAD", StringComparison.OrdinalIgnoreCase))
                response.OutputStream.Write(body);
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to answer.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_listener is null) return;
        _listener.Stop();
        _listener.Close();
        if (_loop is not null) await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        ((IDisposable?)_listener)?.Dispose();
        _stopping.Dispose();
    }
}
