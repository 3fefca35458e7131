using System.Net;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Integration.Telemetry;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// A worker whose LDAP calls hang past Directory:OperationTimeout (the server goes silent behind a
/// forwarder): /readyz says that abandoned calls are still running, and once the server answers they
/// end, the worker is ready again and the request, retried, is stored.
/// </summary>
public sealed class AbandonedCallHealthTests
{
    [Fact]
    public async Task Readiness_names_abandoned_ldap_calls_until_they_end()
    {
        var stack = StackEnvironment.Load();
        var target = new Uri(stack.Get("STACK_LDAP_URL"));
        await using var forwarder = new TcpForwarder(target.Host, target.Port);
        forwarder.Start();
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        var metrics = FreePort.MetricsEndpoint();
        var readyz = HttpProbe.Beside(metrics, "/readyz");
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Directory:Url"] = $"ldap://127.0.0.1:{forwarder.Port}",
            ["Directory:OperationTimeout"] = "00:00:01",
            // Connecting is not what is tested: room for a loaded machine (CI has two cores).
            ["Directory:ConnectTimeout"] = "00:00:05",
            ["Telemetry:PrometheusEndpoint"] = metrics.ToString(),
            ["Telemetry:HealthCheckInterval"] = "00:00:00.500",
        });
        Assert.Equal(HttpStatusCode.OK, (await HttpProbe.WaitForAsync(readyz, HttpStatusCode.OK, TimeSpan.FromSeconds(20))).Status);

        forwarder.Paused = true;
        var id = await worker.EnrollAsync(uid);
        var notReady = await WaitForBodyAsync(readyz, "abandoned", TimeSpan.FromSeconds(20));
        Assert.Contains("Directory:OperationTimeout still running", notReady, StringComparison.Ordinal);

        forwarder.Paused = false;
        Assert.Equal(HttpStatusCode.OK, (await HttpProbe.WaitForAsync(readyz, HttpStatusCode.OK, TimeSpan.FromSeconds(60))).Status);
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(id, TimeSpan.FromSeconds(60))).Status);
    }

    private static async Task<string> WaitForBodyAsync(Uri uri, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = (await HttpProbe.GetAsync(uri)).Body;
            if (last.Contains(text, StringComparison.Ordinal)) return last;
            await Task.Delay(200);
        }
        Assert.Fail($"/readyz never said '{text}'; last: {last}");
        return last;
    }
}
