using SharedSecretWorker.Publishing.Messages;
using SharedSecretWorker.Tests.Fault.Infrastructure;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Processing;

/// <summary>
/// The worker as a real process on the real stack, hurt while it works: killed, stopped, or with
/// its directory gone. Each test asserts outcomes: every request has a final result, none failed,
/// and for every uid the last notice opens the token the directory holds.
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

        List<string> ids;
        using (var first = WorkerProcess.Start(configuration))
        {
            await first.WaitUntilConsumingAsync();
            // The worker has declared its queues: now queue the whole batch, then kill it mid-way.
            ids = await PublishAsync(observer, uids);
            await Outcomes.WaitForResultsAsync(observer, 300, TimeSpan.FromMinutes(2));
            first.Kill();
            Assert.True(observer.Results.Count < ids.Count, "the first kill came after the batch was done: the test proves nothing");
        }
        foreach (var killAt in new[] { 1000, 1800 })
        {
            using var next = WorkerProcess.Start(configuration);
            await next.WaitUntilConsumingAsync();
            await Outcomes.WaitForResultsAsync(observer, killAt, TimeSpan.FromMinutes(3));
            next.Kill();
        }
        using (var last = WorkerProcess.Start(configuration))
        {
            await last.WaitUntilConsumingAsync();
            await Outcomes.AllStoredAsync(observer, ids);
        }
        Invariant.HoldsForEveryUid(observer, uids);
        Assert.Empty(observer.DeadLetters);
    }

    [Fact]
    public async Task Two_workers_on_the_same_queues_one_killed_the_other_finishes()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        var uids = Enumerable.Range(1001, 600).Select(Uid).ToList();
        using var survivor = WorkerProcess.Start(configuration);
        await survivor.WaitUntilConsumingAsync();
        List<string> ids;
        using (var victim = WorkerProcess.Start(configuration))
        {
            await victim.WaitUntilConsumingAsync();
            ids = await PublishAsync(observer, uids);
            await Outcomes.WaitForResultsAsync(observer, 150, TimeSpan.FromMinutes(2));
            victim.Kill();
        }
        await Outcomes.AllStoredAsync(observer, ids);
        Invariant.HoldsForEveryUid(observer, uids);
        Assert.Empty(observer.DeadLetters);
    }

    [Fact]
    public async Task Directory_stopped_for_30_seconds_mid_batch_no_request_fails()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        var uids = Enumerable.Range(1401, 400).Select(Uid).ToList();
        using var worker = WorkerProcess.Start(configuration);
        await worker.WaitUntilConsumingAsync();
        var ids = await PublishAsync(observer, uids);
        await Outcomes.WaitForResultsAsync(observer, 50, TimeSpan.FromMinutes(2));

        await Stack.StopAsync("directory");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Stack.StartAsync("directory");
        }
        await Outcomes.AllStoredAsync(observer, ids);
        Invariant.HoldsForEveryUid(observer, uids);
        Assert.Empty(observer.DeadLetters);
        // The worker still consumes: a request sent after the outage completes.
        var after = await observer.EnrollAsync(Uid(1401));
        Assert.Equal(ResultStatus.Stored, (await observer.ResultAsync(after)).Status);
    }

    [Fact]
    public async Task SIGTERM_mid_batch_exits_cleanly_and_a_restart_finishes_the_batch()
    {
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var configuration = observer.Configuration(new Dictionary<string, string?>());
        var uids = Enumerable.Range(1801, 200).Select(Uid).ToList();
        List<string> ids;
        using (var first = WorkerProcess.Start(configuration))
        {
            await first.WaitUntilConsumingAsync();
            ids = await PublishAsync(observer, uids);
            await Outcomes.WaitForResultsAsync(observer, 40, TimeSpan.FromMinutes(2));
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        using var second = WorkerProcess.Start(configuration);
        await second.WaitUntilConsumingAsync();
        await Outcomes.AllStoredAsync(observer, ids);
        Invariant.HoldsForEveryUid(observer, uids);
        Assert.Empty(observer.DeadLetters);
    }

    private static string Uid(int n) => $"user{n:D4}";

    private static async Task<List<string>> PublishAsync(WorkerUnderTest observer, IEnumerable<string> uids)
    {
        var ids = new List<string>();
        foreach (var uid in uids) ids.Add(await observer.EnrollAsync(uid, batchId: "fault"));
        return ids;
    }
}
