using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Fault.Infrastructure;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Processing;

/// <summary>
/// The worker as a real process on the real stack, hurt while it works: killed, stopped, or with
/// its directory gone. Each test asserts outcomes: every request has a final result, none failed,
/// and for every uid the last notice opens the token the directory holds. The batch is queued
/// before the worker starts: the worker drains a few hundred requests a second, faster than one
/// confirmed publisher, so a fault timed "after N results" would otherwise land after the end.
/// </summary>
public sealed class WorkerFaultTests
{
    [Fact]
    public async Task Killed_with_SIGKILL_three_times_during_3000_requests_nothing_is_lost()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        // 2000 users, 1000 of them twice: the second request for a uid must win.
        var uids = Enumerable.Range(1, 2000).Select(Uid).Concat(Enumerable.Range(1, 1000).Select(Uid)).ToList();
        var ids = await QueuedBatch.QueueAsync(observer, configuration, uids);

        foreach (var killAt in new[] { 300, 1200, 2100 })
        {
            using var worker = WorkerProcess.Start(configuration);
            await worker.WaitUntilConsumingAsync();
            await Outcomes.WaitForResultsAsync(observer, killAt, TimeSpan.FromMinutes(3));
            worker.Kill();
            Assert.True(observer.Results.Count < ids.Count, $"the kill at {killAt} came after the batch was done: the test proves less than it says");
        }
        using (var last = WorkerProcess.Start(configuration))
        {
            await last.WaitUntilConsumingAsync();
            await Outcomes.AllStoredAsync(observer, ids);
        }
        Invariant.HoldsForEveryTarget(observer, uids);
        Assert.Empty(observer.DeadLetters);
    }

    [Fact]
    public async Task Two_workers_on_the_same_queues_one_killed_the_other_finishes()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        var uids = Enumerable.Range(1, 2000).Select(Uid).ToList();
        var ids = await QueuedBatch.QueueAsync(observer, configuration, uids);
        using var survivor = WorkerProcess.Start(configuration);
        using (var victim = WorkerProcess.Start(configuration))
        {
            await Task.WhenAll(survivor.WaitUntilConsumingAsync(), victim.WaitUntilConsumingAsync());
            await Outcomes.WaitForResultsAsync(observer, 300, TimeSpan.FromMinutes(2));
            victim.Kill();
            Assert.True(observer.Results.Count < ids.Count, "the kill came after the batch was done: the test proves nothing");
        }
        await Outcomes.AllStoredAsync(observer, ids);
        Invariant.HoldsForEveryTarget(observer, uids);
        Assert.Empty(observer.DeadLetters);
    }

    [Fact]
    public async Task Directory_stopped_for_30_seconds_mid_batch_no_request_fails()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        var uids = Enumerable.Range(1, 2000).Select(Uid).ToList();
        var ids = await QueuedBatch.QueueAsync(observer, configuration, uids);
        using var worker = WorkerProcess.Start(configuration);
        await worker.WaitUntilConsumingAsync();
        await Outcomes.WaitForResultsAsync(observer, 50, TimeSpan.FromMinutes(2));

        int beforeRestore;
        await Stack.StopAsync("directory");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            beforeRestore = observer.Results.Count;
        }
        finally
        {
            await Stack.StartAsync("directory");
        }
        Assert.True(beforeRestore < ids.Count, "the batch was done before the directory came back: the test proves nothing");
        await Outcomes.AllStoredAsync(observer, ids);
        Invariant.HoldsForEveryTarget(observer, uids);
        Assert.Empty(observer.DeadLetters);
        // The worker still consumes: a request sent after the outage completes.
        var after = await observer.EnrollAsync(Uid(1));
        Assert.Equal(ResultStatus.Stored, (await observer.ResultAsync(after)).Status);
    }

    [Fact]
    public async Task SIGTERM_mid_batch_exits_cleanly_and_a_restart_finishes_the_batch()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        var uids = Enumerable.Range(1, 1500).Select(Uid).ToList();
        var ids = await QueuedBatch.QueueAsync(observer, configuration, uids);
        using (var first = WorkerProcess.Start(configuration))
        {
            await first.WaitUntilConsumingAsync();
            await Outcomes.WaitForResultsAsync(observer, 100, TimeSpan.FromMinutes(2));
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.True(observer.Results.Count < ids.Count, "SIGTERM came after the batch was done: the test proves nothing");
        }
        using var second = WorkerProcess.Start(configuration);
        await second.WaitUntilConsumingAsync();
        await Outcomes.AllStoredAsync(observer, ids);
        Invariant.HoldsForEveryTarget(observer, uids);
        Assert.Empty(observer.DeadLetters);
    }

    private static string Uid(int n) => $"user{n:D4}";
}
