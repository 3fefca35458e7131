using Microsoft.Extensions.Logging;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Fault.Infrastructure;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Integration.Telemetry;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Tests.Fault.Processing;

/// <summary>
/// Issue 8 fault suite: the HSM made to fail for a while, mid-batch. Outcomes after the fault:
/// every request has a final result (all stored: the outage is transient), for every uid the last
/// notice opens the stored token (contract "Invariant"), no dead letter, the worker still consumes,
/// and the outage is logged once when it starts and once when it ends, not at every retry.
/// </summary>
/// <remarks>
/// <c>stack stop hsm</c> alone does not hurt a worker that is already working: SoftHSM2 keeps its
/// open, logged-in sessions (and their session objects) in memory (deploy/local/README.md), so a
/// batch runs through the "outage" untouched. A real device that goes away also ends its sessions;
/// that is done here the way a device reset does it, inside the worker's process: the worker runs
/// in the test process and the test finalizes and re-initialises the shared PKCS#11 module while the
/// token is gone (C_Finalize ends every session of the process; C_Initialize then finds no token
/// 'shrtok'). Until <c>stack start hsm</c> every HSM call of the worker fails.
/// </remarks>
public sealed class HsmFaultTests
{
    private const int Requests = 1000;
    private const int ResultsBeforeFault = 20;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task HSM_token_removed_and_its_sessions_ended_for_10_seconds_mid_batch_no_request_fails()
    {
        var stack = StackEnvironment.Load();
        // Fresh people of our own: other fault tests use the stack's user0001..user2000.
        List<string> uids;
        using (var directory = new DirectoryProbe())
            uids = Enumerable.Range(0, Requests).Select(_ => directory.CreatePerson()).ToList();

        // SoftHSM2 reads SOFTHSM2_CONF with getenv in C_Initialize: NativeEnvironment's module
        // initializer (linked from the integration tests) has put it in the native environment.
        using var log = new LogCapture();
        await using var worker = await WorkerUnderTest.StartAsync(logging: logging => logging.AddProvider(log).SetMinimumLevel(LogLevel.Information));
        // Published while the worker works (the worker keeps pace with one publisher): the fault
        // comes after the first results, with requests in flight and more arriving during the outage.
        var publishing = Task.Run(async () =>
        {
            var sent = new List<string>();
            foreach (var uid in uids) sent.Add(await worker.EnrollAsync(uid, batchId: "hsm-fault"));
            return sent;
        });
        await Outcomes.WaitForResultsAsync(worker, ResultsBeforeFault, TimeSpan.FromMinutes(2));

        int beforeRestore;
        await Stack.StopAsync("hsm");
        try
        {
            // The worker's module (same path, same process): every session it holds ends now.
            using (var module = Pkcs11Module.Acquire(stack.Get("STACK_HSM_LIBRARY")))
                module.Reinitialize(module.Current);
            await Task.Delay(Outage);
            beforeRestore = worker.Results.Count;
        }
        finally
        {
            await Stack.StartAsync("hsm");
        }
        var ids = await publishing;
        Assert.True(beforeRestore < ids.Count, "the batch was done before the HSM came back: the test proves nothing");

        await Outcomes.AllStoredAsync(worker, ids);
        Invariant.HoldsForEveryTarget(worker, uids);
        Assert.Empty(worker.DeadLetters);

        // The worker still consumes: a request sent after the outage completes.
        var after = await worker.EnrollAsync(uids[0]);
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(after)).Status);
        Invariant.HoldsForEveryTarget(worker, uids.Take(1));

        // The circuit breaker probed every 0.5 s during the 10 s outage; each probe re-initialised
        // the module, but only the first says so at Warning, and the recovery is one line.
        var entries = log.Entries.ToList();
        Assert.Single(entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains($"[{LogEvents.HsmReinitialized}]", StringComparison.Ordinal));
        var recovered = Assert.Single(entries, e => e.Contains($"[{LogEvents.HsmRecovered}]", StringComparison.Ordinal));
        var count = int.Parse(recovered[(recovered.IndexOf("| Count=", StringComparison.Ordinal) + "| Count=".Length)..].Split(' ', '\n')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(count >= 2, $"only {count} re-initialisation(s) during the outage: the test did not see retries being kept quiet.\n{recovered}");
    }
}
