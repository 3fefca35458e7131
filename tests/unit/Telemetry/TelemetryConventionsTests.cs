using System.Diagnostics;
using System.Reflection;
using System.Text;
using SharedSecretWorker.Hosting;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Tests.Unit.Telemetry;

/// <summary>Names, units and small pieces of the telemetry plumbing.</summary>
public sealed class TelemetryConventionsTests
{
    [Fact]
    public void Every_instrument_is_named_in_TelemetryNames_with_a_conventional_unit()
    {
        var names = typeof(TelemetryNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var instruments = ExportedMetrics.Instruments();
        Assert.Equal(18, instruments.Count); // 11 recorded, 7 observed
        foreach (var instrument in instruments)
        {
            Assert.Contains(instrument.Name, names);
            Assert.Matches("^shrtok(\\.[a-z_]+)+$", instrument.Name);
            Assert.False(string.IsNullOrEmpty(instrument.Description), instrument.Name);
            if (instrument.Name.EndsWith(".duration", StringComparison.Ordinal) || instrument.Name.EndsWith(".lag", StringComparison.Ordinal))
            {
                Assert.Equal("s", instrument.Unit);
                Assert.True(ExportedMetrics.IsHistogram(instrument), instrument.Name);
            }
            else
            {
                Assert.Matches("^\\{[a-z]+\\}$", instrument.Unit!); // counts: annotations, no suffix
            }
        }
    }

    [Theory]
    [InlineData("30000000", null, 15.0)]
    [InlineData("1000000", "4242", 0.5)]
    [InlineData("1000000", "4243", null)]
    [InlineData("", null, null)]
    [InlineData("0", null, null)]
    [InlineData("-5", null, null)]
    [InlineData("ten", null, null)]
    public void Watchdog_pings_at_half_the_timeout_for_its_own_pid_only(string usec, string? pid, double? seconds)
    {
        var interval = SystemdWatchdog.Interval(usec, pid, 4242);
        Assert.Equal(seconds, interval?.TotalSeconds);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9464/metrics", null)]
    [InlineData("", null)]
    [InlineData("127.0.0.1:9464", "is not an http:// URL")]
    [InlineData("https://127.0.0.1:9464/metrics", "is not an http:// URL")]
    [InlineData("http://127.0.0.1:9464/", "needs a path of its own")]
    [InlineData("http://127.0.0.1:9464/healthz", "needs a path of its own")]
    public void Prometheus_endpoint_is_validated_naming_the_key(string endpoint, string? failure)
    {
        var result = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { PrometheusEndpoint = endpoint });
        if (failure is null) Assert.True(result.Succeeded, result.FailureMessage);
        else
        {
            Assert.True(result.Failed);
            Assert.Contains("Telemetry:PrometheusEndpoint", result.FailureMessage, StringComparison.Ordinal);
            Assert.Contains(failure, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Otlp_settings_are_validated_naming_the_key()
    {
        var result = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { OtlpEndpoint = "collector:4317", OtlpProtocol = "Http", StuckJobThreshold = TimeSpan.Zero });
        Assert.Contains("Telemetry:OtlpEndpoint", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Telemetry:OtlpProtocol", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Telemetry:StuckJobThreshold", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Producer_context_is_read_from_amqp_headers_as_bytes_or_text()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        foreach (object value in new object[] { Encoding.UTF8.GetBytes(traceParent), traceParent })
        {
            var context = WorkerTracing.ProducerContext(new Dictionary<string, object?> { ["traceparent"] = value, ["tracestate"] = Encoding.UTF8.GetBytes("vendor=1") });
            Assert.NotNull(context);
            Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.Value.TraceId.ToHexString());
            Assert.Equal("b7ad6b7169203331", context.Value.SpanId.ToHexString());
            Assert.True(context.Value.IsRemote);
            Assert.Equal("vendor=1", context.Value.TraceState);
        }
        Assert.Null(WorkerTracing.ProducerContext(new Dictionary<string, object?>()));
        Assert.Null(WorkerTracing.ProducerContext(new Dictionary<string, object?> { ["traceparent"] = Encoding.UTF8.GetBytes("garbage") }));
    }

    [Fact]
    public void Process_span_is_a_child_of_the_producer_and_links_to_it()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TelemetryNames.Source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var headers = new Dictionary<string, object?> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray() };
        using var activity = WorkerTracing.StartProcess("test", "shrtok.requests", "enrollment", 1, 2, "interactive", "r-1", headers);
        Assert.NotNull(activity);
        Assert.Equal(ActivityKind.Consumer, activity.Kind);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", activity.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", activity.ParentSpanId.ToHexString());
        Assert.Equal("b7ad6b7169203331", Assert.Single(activity.Links).Context.SpanId.ToHexString());
        Assert.Equal("shrtok.requests", activity.GetTagItem("messaging.destination.name"));
        Assert.Equal("r-1", activity.GetTagItem("messaging.message.id"));

        var outgoing = new Dictionary<string, object?> { ["traceparent"] = "00-old-old-01" };
        WorkerTracing.Inject(activity, outgoing);
        Assert.Equal(activity.Id, outgoing["traceparent"]);
    }

    [Fact]
    public void Health_report_text_lists_problems_one_per_line()
    {
        Assert.Equal("ok\n", new HealthReport([]).ToText());
        Assert.Equal("broker: not connected\nhsm: circuit breaker open\n", new HealthReport(["broker: not connected", "hsm: circuit breaker open"]).ToText());
    }
}
