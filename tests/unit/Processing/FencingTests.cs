using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// Fencing (docs/operations.md, "Fencing"): a job whose delivery stopped being this worker's writes
/// nothing, and a write made while it was lost is taken back (to what it replaced, only while the
/// directory still holds it) unless its notice went out. The delivery goes back to the broker and the
/// request is not remembered as completed, so whoever runs it next makes a newer token and notice.
/// </summary>
public sealed class FencingTests : IDisposable
{
    private readonly ProcessingRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task A_delivery_no_longer_owned_is_handed_back_before_anything_is_done()
    {
        var delivery = _rig.NewDelivery();
        delivery.Owned = false;

        await _rig.Start(Deliveries.Enrollment(), delivery);

        Assert.Equal(["handback"], _rig.Events.Snapshot());
        Assert.Empty(_rig.Directory.Tokens);
    }

    [Fact]
    public async Task Ownership_lost_before_the_write_writes_nothing()
    {
        var delivery = _rig.NewDelivery();
        // Lost while the HSM worked: the hold before the write is refused.
        _rig.Hsm.OnEncrypt = () => delivery.Owned = false;

        await _rig.Start(Deliveries.Enrollment(), delivery);

        Assert.Equal(["hsm.encrypt", "handback"], _rig.Events.Snapshot());
        Assert.Empty(_rig.Directory.Tokens);
        Assert.Empty(_rig.Publisher.Notices);
    }

    [Fact]
    public async Task A_channel_lost_during_the_write_takes_the_write_back_and_publishes_no_notice()
    {
        var delivery = _rig.NewDelivery();
        var write = _rig.Directory.Hold("uid=jdoe");
        var job = _rig.Start(Deliveries.Enrollment(), delivery);
        await write.Entered;
        delivery.Owned = false;
        write.Open();
        await job;

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "directory.restore-enrollment uid=jdoe", "handback"], _rig.Events.Snapshot());
        Assert.Empty(_rig.Directory.Tokens);
        Assert.Empty(_rig.Publisher.Notices);
        Assert.Equal(0, delivery.HoldsHeld);
    }

    [Fact]
    public async Task The_undo_gives_the_directory_back_to_a_later_writer_and_never_removes_its_token()
    {
        var delivery = _rig.NewDelivery();
        var write = _rig.Directory.Hold("uid=jdoe");
        var job = _rig.Start(Deliveries.Enrollment("req-1"), delivery);
        await write.Entered;
        delivery.Owned = false;
        // Another worker, now the partition's consumer (another process: no lock of this one's), writes
        // its newer token before this late write lands.
        await _rig.Directory.StoreEnrollmentTokenAsync("jdoe", "token-of-the-next-owner",
            new TokenMetadata(TokenDigest.Sha256Hex("token-of-the-next-owner"), DateTimeOffset.UnixEpoch, null, "req-of-the-next-owner", null, null));
        write.Open();
        await job;

        // The late write replaced the newer token; its undo puts the newer token back.
        Assert.Equal("token-of-the-next-owner", _rig.Directory.Tokens["uid=jdoe"]);
        Assert.Empty(_rig.Publisher.Notices);
        Assert.Equal(1, delivery.HandBacks);
    }

    [Fact]
    public async Task An_unconfirmed_notice_of_a_lost_delivery_takes_the_write_back()
    {
        var delivery = _rig.NewDelivery();
        _rig.Publisher.FailNotices();
        _rig.Publisher.OnNotice = () => delivery.Owned = false;

        await _rig.Start(Deliveries.Enrollment(), delivery);

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice unconfirmed", "directory.restore-enrollment uid=jdoe", "handback"],
            _rig.Events.Snapshot());
        Assert.Empty(_rig.Directory.Tokens);
        Assert.Empty(_rig.Delayed.Copies);
    }

    [Fact]
    public async Task A_lost_delivery_is_not_remembered_as_completed()
    {
        var delivery = _rig.NewDelivery();
        _rig.Hsm.OnEncrypt = () => delivery.Owned = false;
        await _rig.Start(Deliveries.Enrollment("req-1"), delivery);
        _rig.Hsm.OnEncrypt = null;

        // Its redelivery (here, or to the partition's next consumer) is a first run, with a notice.
        await _rig.RunAsync(Deliveries.Redelivery(Deliveries.Enrollment("req-1")));

        Assert.Single(_rig.Publisher.Notices);
        Assert.True(_rig.Directory.Tokens.ContainsKey("uid=jdoe"));
    }

    [Fact]
    public async Task A_clear_takes_its_hold_around_the_write()
    {
        var delivery = _rig.NewDelivery();
        delivery.OnHold = () => Assert.Equal(0, _rig.Directory.Calls);

        await _rig.Start(Deliveries.ClearUid(), delivery);

        Assert.Equal(1, delivery.HoldsTaken);
        Assert.Equal(0, delivery.HoldsHeld);
        Assert.Equal(1, delivery.Acks);
    }

    [Fact]
    public async Task The_hold_lasts_from_before_the_write_until_the_notice_is_confirmed()
    {
        var delivery = _rig.NewDelivery();
        var heldAtNotice = -1;
        delivery.OnHold = () => Assert.Equal(0, _rig.Directory.Calls);
        _rig.Publisher.OnNotice = () => heldAtNotice = delivery.HoldsHeld;

        await _rig.Start(Deliveries.Enrollment(), delivery);

        Assert.Equal(1, heldAtNotice);
        Assert.Equal(0, delivery.HoldsHeld);
        Assert.Equal(1, delivery.Acks);
    }

    [Fact]
    public async Task A_directory_call_abandoned_after_its_timeout_keeps_the_ownership_held_until_it_really_ends()
    {
        // The call may still land its modify: giving the partition up meanwhile would let the next
        // worker write first and this late modify follow it.
        var call = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _rig.Directory.FailNext(new SharedSecretWorker.Directory.DirectoryException(SharedSecretWorker.Directory.DirectoryFailure.Unavailable,
            "did not answer (test)", FakeDirectory.UserDn("jdoe"), 85) { StillRunning = call.Task });
        var delivery = _rig.NewDelivery();

        await _rig.Start(Deliveries.Enrollment(), delivery);

        Assert.Equal(1, delivery.Acks);
        Assert.Equal(1, delivery.HoldsHeld);
        call.SetResult();
        // The release runs as the call's continuation, on the thread pool.
        for (var deadline = DateTime.UtcNow.AddSeconds(5); delivery.HoldsHeld != 0 && DateTime.UtcNow < deadline;) await Task.Delay(10);
        Assert.Equal(0, delivery.HoldsHeld);
    }
}
