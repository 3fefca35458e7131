using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing;

public sealed class TargetLocksTests
{
    [Fact]
    public async Task Jobs_for_one_target_never_overlap_and_others_are_not_held_up()
    {
        var locks = new TargetLocks();
        var running = 0;
        var maxRunning = 0;
        async Task Job()
        {
            using (await locks.AcquireAsync("uid:jdoe", CancellationToken.None))
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await Task.Delay(5);
                Interlocked.Decrement(ref running);
            }
        }
        var jobs = Enumerable.Range(0, 20).Select(_ => Task.Run(Job)).ToArray();

        using (await locks.AcquireAsync("uid:other", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(1)))
        {
            // A different target is free while jdoe's jobs queue up.
        }
        await Task.WhenAll(jobs);
        Assert.Equal(1, maxRunning);
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_no_entry_behind()
    {
        var locks = new TargetLocks();
        var held = await locks.AcquireAsync("serial:6699", CancellationToken.None);
        using var cts = new CancellationTokenSource(30);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locks.AcquireAsync("serial:6699", cts.Token).AsTask());
        held.Dispose();
        held.Dispose(); // twice is harmless
        Assert.Equal(0, locks.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
