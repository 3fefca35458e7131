using System.Net;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>
/// The worker on the real stack, scraped at its Prometheus endpoint: every metric the issue lists
/// is there with values that fit the traffic sent, and /healthz and /readyz answer on the same port.
/// Metric names are the Prometheus forms of <see cref="SharedSecretWorker.Telemetry.TelemetryNames"/>.
/// </summary>
public sealed class MetricsEndpointTests
{
    private const int MaxConcurrency = 4;

    [Fact]
    public async Task Scrape_after_traffic_has_every_metric_with_sane_values()
    {
        var metrics = FreePort.MetricsEndpoint();
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:PrometheusEndpoint"] = metrics.ToString(),
            ["Telemetry:HealthCheckInterval"] = "00:00:01",
            ["Worker:MaxConcurrency"] = MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var stored = new List<string>();
        for (var n = 1901; n <= 1905; n++) stored.Add(await worker.EnrollAsync($"user{n}"));
        var unknown = await worker.EnrollAsync("nosuchuser-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var id in stored) Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(id)).Status);
        var failed = await worker.ResultAsync(unknown);
        Assert.Equal("unknown-uid", failed.Error?.Code);

        var ready = await HttpProbe.WaitForAsync(HttpProbe.Beside(metrics, "/readyz"), HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        Assert.True(ready.Status == HttpStatusCode.OK, $"/readyz: {(int)ready.Status} {ready.Body}");
        var live = await HttpProbe.GetAsync(HttpProbe.Beside(metrics, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal("ok\n", live.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await HttpProbe.GetAsync(HttpProbe.Beside(metrics, "/nothing-here"))).Status);

        // The process-wide Meter also counts other workers of this test process: lower bounds only.
        // A job's metrics are recorded when it is settled, just after its result is published, so
        // scrape until they are there (as Prometheus would on its next scrape).
        var scrape = await WaitForScrapeAsync(metrics, s =>
            s.Find("shrtok_requests_processed_total", ("shrtok_request_kind", "enrollment"), ("shrtok_outcome", "completed")).Sum(x => x.Value) >= stored.Count
            && s.Find("shrtok_requests_processed_total", ("shrtok_outcome", "unknown-uid")).Count > 0);
        Assert.True(scrape.Sum("shrtok_requests_processed_total", ("shrtok_request_kind", "enrollment"), ("shrtok_outcome", "completed")) >= stored.Count);
        Assert.True(scrape.Sum("shrtok_requests_processed_total", ("shrtok_outcome", "unknown-uid")) >= 1);

        var count = scrape.Sum("shrtok_request_processing_duration_seconds_count", ("shrtok_outcome", "completed"));
        var sum = scrape.Sum("shrtok_request_processing_duration_seconds_sum", ("shrtok_outcome", "completed"));
        Assert.True(count >= stored.Count);
        Assert.InRange(sum / count, 1e-4, 30); // seconds, not milliseconds
        Assert.True(scrape.Find("shrtok_request_processing_duration_seconds_bucket").Any(s => s.Label("le") == "0.5"), "buckets are in seconds");

        var lagCount = scrape.Sum("shrtok_request_lag_seconds_count", ("shrtok_request_kind", "enrollment"));
        Assert.True(lagCount >= stored.Count);
        Assert.InRange(scrape.Sum("shrtok_request_lag_seconds_sum", ("shrtok_request_kind", "enrollment")) / lagCount, 0, 120);

        var limit = scrape.Sum("shrtok_requests_in_flight_limit");
        Assert.True(limit >= MaxConcurrency);
        Assert.InRange(scrape.Sum("shrtok_requests_in_flight"), 0, limit);

        Assert.True(scrape.Sum("shrtok_requests_dead_lettered_total", ("shrtok_request_kind", "enrollment"), ("shrtok_outcome", "unknown-uid")) >= 1);
        Assert.True(scrape.Sum("shrtok_requests_retried_total", ("shrtok_request_kind", "enrollment")) >= 0);

        Assert.True(scrape.Sum("shrtok_hsm_operation_duration_seconds_count", ("shrtok_operation", "encrypt")) >= stored.Count);
        Assert.True(scrape.Sum("shrtok_hsm_operation_duration_seconds_count", ("shrtok_operation", "random")) >= stored.Count);
        var hsmSum = scrape.Sum("shrtok_hsm_operation_duration_seconds_sum", ("shrtok_operation", "encrypt"));
        Assert.InRange(hsmSum / scrape.Sum("shrtok_hsm_operation_duration_seconds_count", ("shrtok_operation", "encrypt")), 1e-6, 5);
        Assert.True(scrape.Sum("shrtok_hsm_operation_errors_total", ("shrtok_operation", "encrypt"), ("error_type", "hsm-unavailable")) >= 0);

        Assert.True(scrape.Sum("shrtok_directory_operation_duration_seconds_count", ("shrtok_operation", "store-enrollment-token")) >= stored.Count + 1);
        Assert.True(scrape.Sum("shrtok_directory_operation_errors_total", ("shrtok_operation", "store-enrollment-token"), ("error_type", "unknown-uid")) >= 1);

        // Two confirmed publishes per stored request (notice and result) at least.
        Assert.True(scrape.Sum("shrtok_broker_confirm_duration_seconds_count") >= 2 * stored.Count);
        Assert.InRange(scrape.Sum("shrtok_broker_confirm_duration_seconds_sum") / scrape.Sum("shrtok_broker_confirm_duration_seconds_count"), 1e-6, 5);
        Assert.True(scrape.Sum("shrtok_broker_connection_recoveries_total") >= 0);

        // Gauges of state: one point per dependency. Other tests of this process may have an outage
        // of their own (the gauges combine every worker of the process): 0 or 1 here, the meaning
        // is checked in the outage test and this worker's own state by /readyz above.
        foreach (var dependency in new[] { "directory", "hsm" })
            Assert.InRange(Assert.Single(scrape.Find("shrtok_circuit_breaker_state", ("shrtok_dependency", dependency))).Value, 0, 1);
        foreach (var dependency in new[] { "broker", "directory", "hsm" })
            Assert.InRange(Assert.Single(scrape.Find("shrtok_dependency_up", ("shrtok_dependency", dependency))).Value, 0, 1);

        // Request and batch ids are span attributes, never metric labels (cardinality).
        Assert.DoesNotContain(stored[0], scrape.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_outage_shows_as_retries_errors_open_breaker_and_not_ready()
    {
        var stack = StackEnvironment.Load();
        var ldap = new Uri(stack.Get("STACK_LDAP_URL"));
        await using var forwarder = new TcpForwarder(ldap.Host, ldap.Port);
        forwarder.Start();
        var metrics = FreePort.MetricsEndpoint();
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Directory:Url"] = $"ldap://127.0.0.1:{forwarder.Port}",
            ["Telemetry:PrometheusEndpoint"] = metrics.ToString(),
            ["Telemetry:HealthCheckInterval"] = "00:00:00.500",
            ["Telemetry:HealthCheckTimeout"] = "00:00:03",
        });
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(await worker.EnrollAsync("user1906"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await HttpProbe.WaitForAsync(HttpProbe.Beside(metrics, "/readyz"), HttpStatusCode.OK, TimeSpan.FromSeconds(20))).Status);

        await forwarder.StopAsync();
        var during = await worker.EnrollAsync("user1907");
        var notReady = await HttpProbe.WaitForAsync(HttpProbe.Beside(metrics, "/readyz"), HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        Assert.Contains("directory", notReady.Body, StringComparison.Ordinal);
        // Liveness is not readiness: a directory outage is no reason to restart the worker.
        Assert.Equal(HttpStatusCode.OK, (await HttpProbe.GetAsync(HttpProbe.Beside(metrics, "/healthz"))).Status);

        var outage = await WaitForScrapeAsync(metrics, s =>
            s.Find("shrtok_requests_retried_total", ("shrtok_outcome", "directory-unavailable")).Sum(x => x.Value) >= 1 &&
            s.Find("shrtok_circuit_breaker_state", ("shrtok_dependency", "directory")).Any(x => x.Value == 1) &&
            s.Find("shrtok_dependency_up", ("shrtok_dependency", "directory")).Any(x => x.Value == 0));
        Assert.True(outage.Sum("shrtok_directory_operation_errors_total", ("error_type", "unavailable")) >= 1);

        forwarder.Start();
        var result = await worker.ResultAsync(during, TimeSpan.FromSeconds(90));
        Assert.True(result.Status == ResultStatus.Stored || result.Error?.Code == "directory-unavailable", $"{result.Status} {result.Error}");
        var back = await HttpProbe.WaitForAsync(HttpProbe.Beside(metrics, "/readyz"), HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.True(back.Status == HttpStatusCode.OK, $"/readyz after the outage: {(int)back.Status} {back.Body}");
        // /readyz is this worker's own verdict; the gauges combine every worker of the test process.
        Assert.DoesNotContain("directory", back.Body, StringComparison.Ordinal);
    }

    private static async Task<PrometheusText> WaitForScrapeAsync(Uri metrics, Func<PrometheusText, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var scrape = await HttpProbe.ScrapeAsync(metrics);
        while (!condition(scrape) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            scrape = await HttpProbe.ScrapeAsync(metrics);
        }
        Assert.True(condition(scrape), "The metrics never showed what was expected within 30 s:\n" + scrape.Text);
        return scrape;
    }
}
