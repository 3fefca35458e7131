using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing;

public sealed class ConcurrencyGateTests
{
    [Fact]
    public async Task Bulk_never_takes_the_last_slot()
    {
        using var gate = new ConcurrencyGate(4);
        var bulk = new List<IDisposable>();
        for (var i = 0; i < 3; i++) bulk.Add(await gate.EnterAsync(Lane.Bulk, CancellationToken.None));

        var fourthBulk = gate.EnterAsync(Lane.Bulk, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(fourthBulk.IsCompleted);

        // The interactive request gets the reserved slot at once.
        var interactive = gate.EnterAsync(Lane.Interactive, CancellationToken.None).AsTask();
        Assert.True(interactive.IsCompletedSuccessfully);
        Assert.Equal(4, gate.InFlight);

        bulk[0].Dispose();
        (await fourthBulk).Dispose();
        (await interactive).Dispose();
        foreach (var slot in bulk.Skip(1)) slot.Dispose();
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task An_interactive_request_waits_at_most_for_one_job_when_everything_is_busy()
    {
        using var gate = new ConcurrencyGate(3);
        var bulk1 = await gate.EnterAsync(Lane.Bulk, CancellationToken.None);
        var bulk2 = await gate.EnterAsync(Lane.Bulk, CancellationToken.None);
        var interactive1 = await gate.EnterAsync(Lane.Interactive, CancellationToken.None);
        var waiting = gate.EnterAsync(Lane.Interactive, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        bulk1.Dispose();
        var slot = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        // The freed bulk slot went to the interactive request, and bulk is still held back.
        var moreBulk = gate.EnterAsync(Lane.Bulk, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(moreBulk.IsCompleted);
        slot.Dispose();
        (await moreBulk).Dispose();
        bulk2.Dispose();
        interactive1.Dispose();
    }

    [Fact]
    public async Task Cancelled_wait_gives_back_the_bulk_reservation()
    {
        using var gate = new ConcurrencyGate(2);
        var interactive = await gate.EnterAsync(Lane.Interactive, CancellationToken.None);
        var interactive2 = await gate.EnterAsync(Lane.Interactive, CancellationToken.None);
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.EnterAsync(Lane.Bulk, cts.Token).AsTask());
        interactive.Dispose();
        interactive2.Dispose();
        // Had the cancelled bulk wait kept its reservation, this would hang.
        var bulk = await gate.EnterAsync(Lane.Bulk, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        bulk.Dispose();
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public void Needs_room_for_both_lanes() => Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyGate(1));
}
