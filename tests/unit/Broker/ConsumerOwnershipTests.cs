using SharedSecretWorker.Broker;

namespace SharedSecretWorker.Tests.Unit.Broker;

/// <summary>The ownership of a consumer registration: what fencing rests on (docs/operations.md, "Fencing").</summary>
public sealed class ConsumerOwnershipTests
{
    [Fact]
    public async Task A_release_waits_for_every_hold_and_refuses_new_ones_meanwhile()
    {
        var ownership = new ConsumerOwnership();
        var first = ownership.TryHold();
        var second = ownership.TryHold();

        var released = ownership.ReleaseAsync();

        Assert.False(ownership.IsOwned);
        Assert.Null(ownership.TryHold());
        first!.Dispose();
        first.Dispose(); // twice is once
        Assert.False(released.IsCompleted);
        second!.Dispose();
        await released.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_release_without_holds_is_immediate()
    {
        var ownership = new ConsumerOwnership();

        await ownership.ReleaseAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Null(ownership.TryHold());
    }

    [Fact]
    public async Task A_lost_channel_ends_the_ownership_even_while_held_and_ends_a_waiting_release()
    {
        var ownership = new ConsumerOwnership();
        using var hold = ownership.TryHold();
        var released = ownership.ReleaseAsync();

        ownership.Lose();

        Assert.False(ownership.IsOwned);
        await released.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
