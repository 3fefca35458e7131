using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Hosting;

/// <summary>
/// Wires traces, metrics and health (section <c>Telemetry</c>): the worker's ActivitySource and Meter
/// into the OpenTelemetry SDK, the Prometheus scrape endpoint (Telemetry:PrometheusEndpoint; empty:
/// off), OTLP for traces, metrics and logs when Telemetry:OtlpEndpoint is set, /healthz and /readyz
/// beside /metrics, and the HSM and directory decorators that time every call.
/// </summary>
internal static class TelemetryRegistration
{
    private const string TracesPath = "v1/traces";
    private const string MetricsPath = "v1/metrics";
    private const string LogsPath = "v1/logs";

    /// <summary>Options, SDK, health; call before the hosted services that consume (they start in registration order).</summary>
    public static void AddWorkerTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TelemetryOptions.SectionName);
        services.AddOptions<TelemetryOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());

        // Which exporters exist is decided here, from the raw configuration. A malformed value is
        // reported by ValidateOnStart before the SDK builds the exporters (their callbacks skip it).
        var settings = new TelemetryOptions();
        section.Bind(settings);
        var prometheus = !string.IsNullOrWhiteSpace(settings.PrometheusEndpoint);
        var otlp = !string.IsNullOrWhiteSpace(settings.OtlpEndpoint);

        var version = typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString();
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(TelemetryNames.ServiceName, serviceVersion: version));
        builder.WithTracing(tracing =>
        {
            tracing.AddSource(TelemetryNames.Source);
            if (otlp) tracing.AddOtlpExporter(o => Otlp(o, settings, TracesPath));
        });
        builder.WithMetrics(metrics =>
        {
            metrics.AddMeter(TelemetryNames.Source, TelemetryNames.RuntimeMeter);
            if (prometheus)
            {
                metrics.AddPrometheusHttpListener(o =>
                {
                    if (settings.PrometheusUri is not { } uri) return;
                    o.Host = uri.Host;
                    o.Port = uri.Port;
                    o.ScrapeEndpointPath = uri.AbsolutePath.TrimEnd('/');
                    // Every scrape sees the current values (Prometheus scrapes every few seconds at most).
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                });
            }
            if (otlp) metrics.AddOtlpExporter(o => Otlp(o, settings, MetricsPath));
        });
        if (otlp) builder.WithLogging(logging => logging.AddOtlpExporter(o => Otlp(o, settings, LogsPath)));

        services.TryAddSingleton<RunningJobs>();
        services.TryAddSingleton<WorkerHealth>();
        services.AddHostedService<HealthEndpoint>();
        services.AddHostedService<DependencyMonitor>();
    }

    /// <summary>Times every HSM and directory call; call after the token engine and the directory store are registered.</summary>
    public static void InstrumentDependencies(IServiceCollection services)
    {
        Decorate<ITokenEncryptor>(services, inner => new InstrumentedTokenEncryptor(inner));
        Decorate<IDirectoryStore>(services, inner => new InstrumentedDirectoryStore(inner));
    }

    private static void Otlp(OtlpExporterOptions options, TelemetryOptions settings, string signalPath)
    {
        if (settings.OtlpUri is not { } endpoint) return;
        var http = settings.OtlpProtocol == "HttpProtobuf";
        options.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Over HTTP an endpoint set in code is used as is: each signal needs its own path.
        options.Endpoint = http ? new Uri(new Uri(endpoint.ToString().TrimEnd('/') + "/"), signalPath) : endpoint;
    }

    private static void Decorate<TService>(IServiceCollection services, Func<TService, TService> decorate)
        where TService : class
    {
        var index = -1;
        for (var i = services.Count - 1; i >= 0 && index < 0; i--)
            if (services[i].ServiceType == typeof(TService) && !services[i].IsKeyedService) index = i;
        if (index < 0) throw new InvalidOperationException($"{typeof(TService).Name} must be registered before it is instrumented.");

        var original = services[index];
        services[index] = ServiceDescriptor.Describe(typeof(TService), provider => decorate((TService)Create(provider, original)), original.Lifetime);
    }

    private static object Create(IServiceProvider provider, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(provider)
        ?? ActivatorUtilities.GetServiceOrCreateInstance(provider, descriptor.ImplementationType!);
}
