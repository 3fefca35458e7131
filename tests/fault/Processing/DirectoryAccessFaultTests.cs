using System.Net;
using Microsoft.Extensions.Logging;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Fault.Infrastructure;
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

    /// <summary>The measure: a 2,000-request batch, the ACI gone for 20 s in the middle.</summary>
    [Fact]
    public async Task A_2000_request_batch_with_the_write_ACI_removed_for_20_s_is_all_stored_and_nothing_dead_lettered()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var uids = Enumerable.Range(1, 2000).Select(n => $"user{n:D4}").ToList();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        var ids = await QueuedBatch.QueueAsync(observer, configuration, uids);
        using var worker = WorkerProcess.Start(configuration);
        await worker.WaitUntilConsumingAsync();
        await Outcomes.WaitForResultsAsync(observer, 200, TimeSpan.FromMinutes(2));

        int beforeRestore;
        using (var admin = new DirectoryProbe())
        {
            var aci = admin.RemoveAci(admin.PeopleBase, WriteAcl);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20));
                beforeRestore = observer.Results.Count;
            }
            finally
            {
                admin.AddAci(admin.PeopleBase, aci);
            }
        }
        Assert.True(beforeRestore < ids.Count, "the batch was done before the ACI was removed: the test proves nothing");

        try
        {
            await Outcomes.AllStoredAsync(observer, ids);
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{observer.Results.Count} of {ids.Count} results; worker log (tail):\n{worker.LogTail()}");
        }
        Assert.Empty(observer.DeadLetters);
        Assert.Equal(ids.Count, observer.Results.Count(r => ids.Contains(r.RequestId!)));
        Invariant.HoldsForEveryTarget(observer, uids);
    }

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
