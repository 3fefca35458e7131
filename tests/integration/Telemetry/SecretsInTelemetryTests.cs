using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>
/// House rule: a passphrase, PIN or password never appears in a log line, a span or a metric. The
/// worker runs a batch at Trace level (every category, the OpenTelemetry SDK's and the broker
/// client's included); every passphrase the notices carry, the HSM PIN, the bind password and the
/// broker password are then looked for in everything it logged, every span and the scrape.
/// </summary>
public sealed class SecretsInTelemetryTests
{
    [Fact]
    public async Task Batch_at_trace_level_leaks_no_passphrase_pin_or_password()
    {
        var logs = new LogCapture();
        using var spans = new SpanCapture();
        var metrics = FreePort.MetricsEndpoint();
        await using var worker = await WorkerUnderTest.StartAsync(
            new Dictionary<string, string?> { ["Telemetry:PrometheusEndpoint"] = metrics.ToString() },
            logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace));

        var batchId = "secrets-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var n = 1920; n < 1930; n++) ids.Add(await worker.EnrollAsync($"user{n}", n % 2 == 0 ? "email" : "sms", batchId));
        var passphrases = new List<string>();
        foreach (var id in ids)
        {
            Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(id)).Status);
            var notice = await WaitForNoticeAsync(worker, id);
            passphrases.Add(worker.OpenNotice(notice));
        }
        Assert.Equal(ids.Count, passphrases.Distinct(StringComparer.Ordinal).Count());

        var scrape = (await HttpProbe.ScrapeAsync(metrics)).Text;
        var spanText = string.Join("\n", spans.Spans.Select(Describe));
        var logText = string.Join("\n", logs.Entries);

        // The capture must have seen the batch, or finding nothing would prove nothing.
        Assert.Contains(logs.Entries, e => e.StartsWith("Trace ", StringComparison.Ordinal) || e.StartsWith("Debug ", StringComparison.Ordinal));
        foreach (var id in ids)
        {
            Assert.Contains(id, logText, StringComparison.Ordinal);
            Assert.Contains(id, spanText, StringComparison.Ordinal);
        }
        Assert.Contains(batchId, spanText, StringComparison.Ordinal);
        Assert.Contains("shrtok_requests_processed_total", scrape, StringComparison.Ordinal);
        // batchId belongs on spans, never on metrics (cardinality).
        Assert.DoesNotContain(batchId, scrape, StringComparison.Ordinal);

        var secrets = passphrases.Select((p, i) => ($"passphrase of {ids[i]}", p)).Concat(StackSecrets()).ToList();
        foreach (var (what, secret) in secrets)
        {
            Assert.True(secret.Length >= 6, $"{what} is too short to search for");
            Assert.False(logText.Contains(secret, StringComparison.Ordinal), $"{what} appears in the log");
            Assert.False(spanText.Contains(secret, StringComparison.Ordinal), $"{what} appears in a span");
            Assert.False(scrape.Contains(secret, StringComparison.Ordinal), $"{what} appears in the metrics");
        }
    }

    private static async Task<DeliveryNotice> WaitForNoticeAsync(WorkerUnderTest worker, string requestId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (worker.NoticesOf(requestId).LastOrDefault() is { } notice) return notice;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no notice for {requestId}");
    }

    /// <summary>The worker's own secrets on the stack: HSM PIN, bind password, broker password.</summary>
    private static IEnumerable<(string, string)> StackSecrets()
    {
        var environment = StackEnvironment.Load().WorkerEnvironment();
        foreach (var key in new[] { "Hsm__PinFile", "Directory__BindPasswordFile", "RabbitMq__PasswordFile" })
        {
            Assert.True(environment.TryGetValue(key, out var file) && file is not null, $"worker.env has no {key}");
            yield return (key, File.ReadAllText(file).Trim());
        }
    }

    private static string Describe(Activity span)
    {
        var text = new StringBuilder().Append(span.DisplayName).Append(' ').Append(span.StatusDescription);
        foreach (var (key, value) in span.TagObjects) text.Append(' ').Append(key).Append('=').Append(value);
        foreach (var e in span.Events)
        {
            text.Append(" event ").Append(e.Name);
            foreach (var (key, value) in e.Tags) text.Append(' ').Append(key).Append('=').Append(value);
        }
        foreach (var baggage in span.Baggage) text.Append(" baggage ").Append(baggage.Key).Append('=').Append(baggage.Value);
        return text.ToString();
    }
}
