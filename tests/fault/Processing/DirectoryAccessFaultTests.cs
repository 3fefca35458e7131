using System.Net;
using Microsoft.Extensions.Logging;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Integration.Telemetry;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Fault.Processing;

/// <summary>
/// Issue 14: the worker's write ACI removed from the stack's 389 DS for a few seconds, then
/// restored. LDAP 50 on every write is the worker's fault, not the requests': they must wait (the
/// directory breaker open, no dead letter, no failed result), /readyz must say what to fix, and they
/// must complete once the ACI is back. The ACI is shared with everyone's tests: it is restored in a
/// finally block within seconds (fault tests run one at a time).
/// </summary>
public sealed class DirectoryAccessFaultTests
{
    private const string WriteAcl = "shrtok-worker writes the token";
    private const int Requests = 10;

    [Fact]
    public async Task Requests_wait_while_the_workers_write_ACI_is_removed_and_complete_once_it_is_restored()
    {
        List<string> uids;
        using (var directory = new DirectoryProbe())
            uids = Enumerable.Range(0, Requests + 1).Select(_ => directory.CreatePerson()).ToList();
        var metrics = FreePort.MetricsEndpoint();
        var readyz = HttpProbe.Beside(metrics, "/readyz");
        using var log = new LogCapture();
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:PrometheusEndpoint"] = metrics.ToString(),
            ["Telemetry:HealthCheckInterval"] = "00:00:00.500",
        }, logging => logging.AddProvider(log).SetMinimumLevel(LogLevel.Information));
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(await worker.EnrollAsync(uids[0]))).Status);

        var ids = new List<string>();
        (HttpStatusCode Status, string Body) notReady;
        using (var admin = new DirectoryProbe())
        {
            var aci = admin.RemoveAci(admin.PeopleBase, WriteAcl);
            try
            {
                foreach (var uid in uids.Skip(1)) ids.Add(await worker.EnrollAsync(uid));
                notReady = await HttpProbe.WaitForAsync(readyz, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
                // A few breaker probes (every 0.5 s) while the ACI is still missing.
                await Task.Delay(TimeSpan.FromSeconds(2));
                Assert.Empty(worker.DeadLetters);
                Assert.DoesNotContain(worker.Results, r => ids.Contains(r.RequestId!));
            }
            finally
            {
                admin.AddAci(admin.PeopleBase, aci);
            }
        }
        Assert.Contains("directory: insufficient access (LDAP 50) writing shrTok on '", notReady.Body, StringComparison.Ordinal);
        Assert.Contains("as 'uid=shrtok-worker,", notReady.Body, StringComparison.Ordinal);
        Assert.Contains("check the worker's ACI (circuit breaker open)", notReady.Body, StringComparison.Ordinal);

        var results = await Task.WhenAll(ids.Select(id => worker.ResultAsync(id, TimeSpan.FromSeconds(60))));
        Assert.All(results, r => Assert.Equal(ResultStatus.Stored, r.Status));
        Assert.Empty(worker.DeadLetters);
        // One line when the outage starts, however many requests and probes met it.
        Assert.Single(log.Entries, e => e.Contains($"[{LogEvents.CircuitOpenedByFault}]", StringComparison.Ordinal));
        var ready = await HttpProbe.WaitForAsync(readyz, HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        Assert.True(ready.Status == HttpStatusCode.OK, $"/readyz: {(int)ready.Status} {ready.Body}");
    }
}
