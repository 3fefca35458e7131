using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>
/// An OpenTelemetry TracerProvider of the test with the in-memory exporter, listening to the
/// worker's ActivitySource (process-wide, so it sees the in-process worker's spans) and to
/// RabbitMQ.Client's publisher, so that the client injects traceparent into what the test publishes.
/// </summary>
internal sealed class SpanCapture : IDisposable
{
    internal const string RabbitMqPublisherSource = "RabbitMQ.Client.Publisher";
    private readonly List<Activity> _spans = [];
    private readonly TracerProvider _provider;

    public SpanCapture()
    {
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(TelemetryNames.Source, RabbitMqPublisherSource)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(_spans)
            .Build();
    }

    /// <summary>Ended spans so far.</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            _provider.ForceFlush();
            lock (_spans) return _spans.ToArray();
        }
    }

    /// <summary>Waits until a span matches.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (Spans.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("no matching span; have: " + string.Join(", ", Spans.Select(s => s.DisplayName).Distinct()));
    }

    public void Dispose() => _provider.Dispose();
}
