using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>Telemetry:OtlpEndpoint set: traces, metrics and logs reach an OTLP/HTTP receiver.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Traces_metrics_and_logs_are_exported_over_otlp_when_configured()
    {
        using var receiver = new OtlpReceiver();
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = receiver.Endpoint.ToString(),
            ["Telemetry:OtlpProtocol"] = "HttpProtobuf",
            // The SDK reads its OTEL_* settings from configuration: export within a second, not a minute.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "500",
        });
        var stored = await worker.EnrollAsync("user1940");
        var unknown = await worker.EnrollAsync("nosuchuser-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(stored)).Status);
        Assert.Equal("unknown-uid", (await worker.ResultAsync(unknown)).Error?.Code);

        var timeout = TimeSpan.FromSeconds(30);
        await receiver.WaitForAsync("/v1/traces", stored, timeout);
        await receiver.WaitForAsync("/v1/metrics", "shrtok.requests.processed", timeout);
        // The dead-lettered request logs a warning (EventId RequestFailed) that names its id.
        await receiver.WaitForAsync("/v1/logs", unknown, timeout);
        Assert.All(receiver.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
    }
}
