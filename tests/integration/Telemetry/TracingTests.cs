using System.Diagnostics;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>
/// Traces on the real stack: the producer publishes with RabbitMQ.Client 7 inside a span, the client
/// injects traceparent, and the worker's <c>process</c> span continues that context (parent and
/// link) with HSM, directory and publish spans below it.
/// </summary>
public sealed class TracingTests
{
    private static readonly ActivitySource Producer = new("SharedSecretWorker.Tests.Producer");

    [Fact]
    public async Task Process_span_continues_the_producers_context_with_hsm_directory_and_publish_children()
    {
        using var capture = new SpanCapture();
        using var producerListener = ListenTo(Producer.Name);
        await using var worker = await WorkerUnderTest.StartAsync();

        string requestId;
        ActivityTraceId traceId;
        using (var root = Producer.StartActivity("submit enrollment", ActivityKind.Internal))
        {
            Assert.NotNull(root);
            traceId = root.TraceId;
            requestId = await worker.EnrollAsync("user1910", batchId: "trace-batch");
        }
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(requestId)).Status);

        var publish = await capture.WaitForAsync(s => s.Source.Name == SpanCapture.RabbitMqPublisherSource && s.TraceId == traceId && s.Kind == ActivityKind.Producer);
        var process = await capture.WaitForAsync(s => s.Source.Name == TelemetryNames.Source && s.Kind == ActivityKind.Consumer && s.TraceId == traceId);

        // Parented to the producer's publish span (the context RabbitMQ.Client injected), and linked to it.
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Contains(process.Links, l => l.Context.TraceId == traceId && l.Context.SpanId == publish.SpanId);
        Assert.Matches($@"^process {System.Text.RegularExpressions.Regex.Escape(worker.Prefix)}\.requests\.bulk\.p\d\d$", process.DisplayName);
        Assert.Equal("rabbitmq", process.GetTagItem("messaging.system"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal(worker.RequestsExchange, process.GetTagItem("messaging.destination.name"));
        Assert.Equal("enrollment", process.GetTagItem("shrtok.request.kind"));
        Assert.Equal("completed", process.GetTagItem("shrtok.outcome"));
        Assert.Equal(requestId, process.GetTagItem("shrtok.request.id"));
        Assert.Equal("trace-batch", process.GetTagItem("shrtok.batch.id"));
        Assert.Equal(ActivityStatusCode.Unset, process.Status);

        var children = capture.Spans.Where(s => s.Source.Name == TelemetryNames.Source && s.ParentSpanId == process.SpanId).ToList();
        var names = children.Select(s => s.DisplayName).ToList();
        Assert.Contains("hsm random", names);
        Assert.Contains("hsm encrypt", names);
        Assert.Contains("directory store-enrollment-token", names);
        Assert.Contains($"publish {worker.NoticesExchange}", names);
        Assert.Contains($"publish {worker.ResultsExchange}", names);
        var directory = children.Single(s => s.DisplayName == "directory store-enrollment-token");
        Assert.Equal("search,modify", directory.GetTagItem("shrtok.directory.ldap_operations"));
        var notice = children.Single(s => s.DisplayName == $"publish {worker.NoticesExchange}");
        Assert.Equal(ActivityKind.Producer, notice.Kind);
        Assert.Equal("send", notice.GetTagItem("messaging.operation.type"));
        Assert.Equal(requestId, notice.GetTagItem("messaging.message.id"));
        // Order of the pipeline: token before the write, the write before the notice (docs/messages.md, "Ordering and duplicates").
        var encrypt = children.Single(s => s.DisplayName == "hsm encrypt");
        Assert.True(encrypt.StartTimeUtc + encrypt.Duration <= directory.StartTimeUtc + directory.Duration);
        Assert.True(directory.StartTimeUtc + directory.Duration <= notice.StartTimeUtc + TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Failed_request_marks_the_process_span_with_its_error_code()
    {
        using var capture = new SpanCapture();
        await using var worker = await WorkerUnderTest.StartAsync();
        var requestId = await worker.EnrollAsync("nosuchuser-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal("unknown-uid", (await worker.ResultAsync(requestId)).Error?.Code);

        var process = await capture.WaitForAsync(s => s.Kind == ActivityKind.Consumer && requestId.Equals(s.GetTagItem("shrtok.request.id")));
        Assert.Equal(ActivityStatusCode.Error, process.Status);
        Assert.Equal("unknown-uid", process.StatusDescription);
        Assert.Equal("unknown-uid", process.GetTagItem("error.type"));
        Assert.Equal("DeadLetter", process.GetTagItem("shrtok.settlement"));
        var directory = capture.Spans.Single(s => s.ParentSpanId == process.SpanId && s.DisplayName == "directory store-enrollment-token");
        Assert.Equal(ActivityStatusCode.Error, directory.Status);
        Assert.Equal("unknown-uid", directory.GetTagItem("error.type"));
    }

    private static ActivityListener ListenTo(string source)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
