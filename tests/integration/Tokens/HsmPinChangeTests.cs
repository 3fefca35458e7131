using System.Net;
using Microsoft.Extensions.Logging;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Integration.Telemetry;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>
/// Issue 14: the HSM PIN changed under a running worker. A throw-away SoftHSM2 token of its own
/// (in the stack's token directory, with its own PIN) stands for the HSM, so the stack's token and
/// its PIN are never touched. The worker must keep requests queued (no dead letter), name the PIN
/// in /readyz, call C_Login at most once per content of Hsm:PinFile (a real HSM locks the PIN after
/// a few refusals), and finish the requests once the file holds the new PIN.
/// </summary>
[Collection(HsmCollection.Name)]
public sealed class HsmPinChangeTests
{
    private const string OldPin = "1111";
    private const string NewPin = "2222";
    private const string OtherWrongPin = "3333";
    private const int Requests = 10;

    [Fact]
    public async Task A_changed_PIN_keeps_requests_queued_names_the_PIN_is_tried_once_per_PIN_file_change_and_the_requests_complete_with_the_new_file()
    {
        var stack = StackEnvironment.Load();
        var conf = new Dictionary<string, string> { ["SOFTHSM2_CONF"] = stack.Get("STACK_SOFTHSM2_CONF") };
        var library = stack.Get("STACK_HSM_LIBRARY");
        var label = "shrtok-pin-" + Guid.NewGuid().ToString("N")[..8];
        using var folder = new TempFolder();
        var pinFile = folder.Write("hsm.pin", OldPin + "\n");
        List<string> uids;
        using (var directory = new DirectoryProbe())
            uids = Enumerable.Range(0, Requests + 1).Select(_ => directory.CreatePerson()).ToList();

        var init = await ProcessRun.RunAsync("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", "87654321", "--pin", OldPin], environment: conf);
        Assert.True(init.ExitCode == 0, init.Error);
        try
        {
            // SoftHSM2 lists tokens as of C_Initialize: make this process's module see the new one.
            Reinitialize(library);
            var metrics = FreePort.MetricsEndpoint();
            var readyz = HttpProbe.Beside(metrics, "/readyz");
            using var log = new LogCapture();
            await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
            {
                ["Hsm:TokenLabel"] = label,
                ["Hsm:PinFile"] = pinFile,
                ["Hsm:IssuanceProtectionKeyLabel"] = "",
                ["Telemetry:PrometheusEndpoint"] = metrics.ToString(),
                ["Telemetry:HealthCheckInterval"] = "00:00:00.500",
            }, logging => logging.AddProvider(log).SetMinimumLevel(LogLevel.Information));
            Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(await worker.EnrollAsync(uids[0]))).Status);

            // The PIN is changed on the token (not in the worker's file), then the worker's sessions
            // end (a device reset, or the module recycled): its next call has to log in again.
            var change = await ProcessRun.RunAsync("pkcs11-tool",
                ["--module", library, "--token-label", label, "--login", "--pin", OldPin, "--change-pin", "--new-pin", NewPin], environment: conf);
            Assert.True(change.ExitCode == 0, change.Error);
            Reinitialize(library);

            var ids = new List<string>();
            foreach (var uid in uids.Skip(1)) ids.Add(await worker.EnrollAsync(uid));
            var notReady = await HttpProbe.WaitForAsync(readyz, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20));
            Assert.Contains("hsm: PIN refused (CKR_PIN_INCORRECT); update Hsm:PinFile", notReady.Body, StringComparison.Ordinal);
            // Many breaker probes (every 0.5 s) and health checks (every 0.5 s) later: still one C_Login.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(1, Count(log, LogEvents.HsmPinRefused));
            Assert.Empty(worker.DeadLetters);
            Assert.DoesNotContain(worker.Results, r => ids.Contains(r.RequestId!));
            Assert.Contains("PIN refused", (await HttpProbe.GetAsync(readyz)).Body, StringComparison.Ordinal);

            // Another wrong PIN in the file: exactly one more C_Login, then quiet again.
            await ReplaceAsync(pinFile, OtherWrongPin + "\n");
            await WaitUntilAsync(() => Count(log, LogEvents.HsmPinRefused) == 2, TimeSpan.FromSeconds(20));
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(2, Count(log, LogEvents.HsmPinRefused));
            Assert.Empty(worker.DeadLetters);

            // The right PIN: the breaker's probe logs in, the queued requests complete.
            await ReplaceAsync(pinFile, NewPin + "\n");
            var results = await Task.WhenAll(ids.Select(id => worker.ResultAsync(id, TimeSpan.FromSeconds(90))));
            Assert.All(results, r => Assert.Equal(ResultStatus.Stored, r.Status));
            Assert.Empty(worker.DeadLetters);
            Assert.Equal(2, Count(log, LogEvents.HsmPinRefused));
            Assert.Equal(1, Count(log, LogEvents.HsmPinAccepted));
            var ready = await HttpProbe.WaitForAsync(readyz, HttpStatusCode.OK, TimeSpan.FromSeconds(20));
            Assert.True(ready.Status == HttpStatusCode.OK, $"/readyz: {(int)ready.Status} {ready.Body}");
        }
        finally
        {
            var delete = await ProcessRun.RunAsync("softhsm2-util", ["--delete-token", "--token", label], environment: conf);
            Assert.True(delete.ExitCode == 0, delete.Error);
            // The module would still list the deleted token's slot (see TokenRemovalTests).
            Reinitialize(library);
        }
    }

    private static void Reinitialize(string library)
    {
        using var module = Pkcs11Module.Acquire(library);
        module.Reinitialize(module.Current);
    }

    private static int Count(LogCapture log, int eventId) => log.Entries.Count(e => e.Contains($"[{eventId}]", StringComparison.Ordinal));

    /// <summary>Replaces the file in one step, as a credential update does (no half-written PIN is ever read).</summary>
    private static async Task ReplaceAsync(string path, string content)
    {
        var next = path + ".next";
        await File.WriteAllTextAsync(next, content);
        File.Move(next, path, overwrite: true);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"condition not met within {timeout}");
            await Task.Delay(100);
        }
    }
}
