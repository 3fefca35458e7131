using SharedSecretWorker.Directory;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// Settling against a broker that fails: nothing is acked unless what it produced was confirmed,
/// the delivery is handed back instead, and the handler never throws at the message pump.
/// </summary>
public sealed class RequestHandlerSettlementTests : IDisposable
{
    private readonly ProcessingRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task A_failed_ack_is_followed_by_a_hand_back_and_nothing_is_thrown()
    {
        var delivery = _rig.NewDelivery();
        delivery.FailAck = true;

        await _rig.Start(Deliveries.Enrollment(), delivery).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack unconfirmed", "handback"],
            _rig.Events.Snapshot());
        Assert.Equal(1, delivery.HandBacks);
    }

    [Fact]
    public async Task When_ack_and_hand_back_both_fail_nothing_is_thrown_and_the_redelivery_is_settled_as_a_duplicate()
    {
        var message = Deliveries.Enrollment("req-1");
        var delivery = _rig.NewDelivery();
        delivery.FailAck = true;
        delivery.FailHandBack = true;

        await _rig.Start(message, delivery).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["ack unconfirmed", "handback unconfirmed"], _rig.Events.Snapshot().TakeLast(2));

        // The broker redelivers the message it never saw acked: the completed request is not issued twice.
        _rig.Events.Clear();
        var redelivery = await _rig.RunAsync(Deliveries.Redelivery(message));
        Assert.Equal(["ack"], _rig.Events.Snapshot());
        Assert.Equal(1, redelivery.Acks);
    }

    [Fact]
    public async Task An_unconfirmed_dead_letter_is_not_acked_but_handed_back()
    {
        _rig.DeadLetters.Fail = true;
        _rig.Directory.FailNext(new DirectoryException(DirectoryFailure.UnknownUid, "No entry has uid jdoe."));

        var delivery = await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.result failed code=unknown-uid", "deadletter unconfirmed", "handback"],
            _rig.Events.Snapshot());
        Assert.Equal((0, 1), (delivery.Acks, delivery.HandBacks));
    }

    [Fact]
    public async Task An_unconfirmed_failed_result_is_neither_dead_lettered_nor_acked()
    {
        _rig.Publisher.FailResults();

        var delivery = await _rig.RunAsync(Deliveries.Of("{}", messageId: "m-1"));

        Assert.Equal(["publish.result unconfirmed", "handback"], _rig.Events.Snapshot());
        Assert.Empty(_rig.DeadLetters.Letters);
        Assert.Equal((0, 1), (delivery.Acks, delivery.HandBacks));
    }

    [Fact]
    public async Task An_unconfirmed_delayed_copy_is_not_acked_but_handed_back()
    {
        _rig.Delayed.Fail = true;
        _rig.Directory.FailNext(new DirectoryException(DirectoryFailure.Unavailable, "down (test)."));

        var delivery = await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "delayed unconfirmed", "handback"], _rig.Events.Snapshot());
        Assert.Equal((0, 1), (delivery.Acks, delivery.HandBacks));
    }

    [Fact]
    public async Task Abandoning_a_running_job_hands_it_back_without_ack_result_or_retry()
    {
        var held = _rig.Directory.Hold("uid=jdoe");
        using var abandon = new CancellationTokenSource();
        var delivery = _rig.NewDelivery();
        var message = Deliveries.Enrollment("req-1");

        var job = _rig.Start(message, delivery, abandon.Token);
        await held.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(job.IsCompleted);
        await abandon.CancelAsync();
        await job.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "handback"], _rig.Events.Snapshot());
        Assert.Equal((0, 1), (delivery.Acks, delivery.HandBacks));
        Assert.Empty(_rig.Publisher.Results);
        Assert.Empty(_rig.Delayed.Copies);
        Assert.Empty(_rig.DeadLetters.Letters);
        Assert.Equal(0, _rig.Locks.Count);

        // Handed back, not completed: its redelivery is processed in full.
        _rig.Events.Clear();
        await _rig.RunAsync(Deliveries.Redelivery(message));
        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
    }

    [Fact]
    public async Task Abandoning_a_job_that_waits_for_its_target_hands_it_back_and_leaves_the_running_one_alone()
    {
        var held = _rig.Directory.Hold("uid=jdoe");
        var first = _rig.NewDelivery();
        var running = _rig.Start(Deliveries.Enrollment("req-1", "jdoe"), first);
        await held.Entered.WaitAsync(TimeSpan.FromSeconds(10));

        using var abandon = new CancellationTokenSource();
        var second = _rig.NewDelivery();
        var waiting = _rig.Start(Deliveries.ClearUid("clr-1", "jdoe"), second, abandon.Token);
        Assert.False(waiting.IsCompleted);
        await abandon.CancelAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((0, 1), (second.Acks, second.HandBacks));
        held.Open();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "handback", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
        Assert.Equal((1, 0), (first.Acks, first.HandBacks));
        Assert.Equal(0, _rig.Locks.Count);
    }
}
