using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Fault.Infrastructure;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Processing;

/// <summary>
/// The broker goes away under a working worker: restarted mid-batch, or the worker's connection
/// closed by the server. The worker must recover its connection and consumers by itself, lose
/// nothing, and still consume: asserted by requests that complete after the fault.
/// </summary>
public sealed class BrokerFaultTests
{
    private const int RoundsPerUid = 10;

    [Fact]
    public async Task Broker_restarted_mid_batch_the_worker_recovers_and_loses_nothing()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var uids = Enumerable.Range(1201, 300).Select(n => $"user{n:D4}").ToList();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        // Queued first, each uid ten times: the worker drains a few hundred a second, so the batch
        // is still running while the broker takes seconds to stop.
        var ids = await QueuedBatch.QueueAsync(observer, configuration, Enumerable.Repeat(uids, RoundsPerUid).SelectMany(u => u));
        using var worker = WorkerProcess.Start(configuration);
        await worker.WaitUntilConsumingAsync();
        await Outcomes.WaitForResultsAsync(observer, 60, TimeSpan.FromMinutes(2));

        await Stack.StopAsync("broker");
        var beforeRestart = observer.Results.Count;
        await Stack.StartAsync("broker");
        Assert.True(beforeRestart < ids.Count, "the batch was done before the broker stopped: the test proves nothing");

        try
        {
            await Outcomes.AllStoredAsync(observer, ids);
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{observer.Results.Count} of {ids.Count} results; worker log (tail):\n{worker.LogTail()}");
        }
        Invariant.HoldsForEveryTarget(observer, uids);
        // Still consuming: a request published after the restart completes.
        var after = await observer.EnrollAsync(uids[0]);
        Assert.Equal(ResultStatus.Stored, (await observer.ResultAsync(after, TimeSpan.FromSeconds(60))).Status);
    }

    [Fact]
    public async Task Connection_closed_by_the_server_the_consumer_comes_back()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        using var management = new BrokerManagement();
        using var worker = WorkerProcess.Start(observer.Configuration(new Dictionary<string, string?>()));
        await worker.WaitUntilConsumingAsync();
        var before = await observer.EnrollAsync("user1501");
        Assert.Equal(ResultStatus.Stored, (await observer.ResultAsync(before)).Status);

        var connections = await management.WaitForConnectionsNamedAsync(observer.WorkerConnectionName);
        foreach (var name in connections) await management.CloseConnectionAsync(name);

        // Asserted by work, not by "connected": requests published after the kill complete.
        var after = new List<string>();
        for (var i = 0; i < 20; i++) after.Add(await observer.EnrollAsync($"user{1502 + i:D4}"));
        await Outcomes.AllStoredAsync(observer, after);
        Assert.Contains("Broker connection recovered", worker.Log, StringComparison.Ordinal);
    }
}
