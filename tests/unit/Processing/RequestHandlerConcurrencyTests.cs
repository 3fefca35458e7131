using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// Two jobs for one target never run at once (a clear by uid shares the uid's turn); jobs for other
/// targets are not held up. Ordered by gates in the fakes, never by sleeps.
/// </summary>
public sealed class RequestHandlerConcurrencyTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ProcessingRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task A_second_job_for_the_same_target_waits_until_the_first_has_published_its_result()
    {
        var held = _rig.Directory.Hold("uid=jdoe");
        var first = _rig.NewDelivery();
        var running = _rig.Start(Deliveries.Enrollment("req-1", "jdoe"), first);
        await held.Entered.WaitAsync(Patience);

        // Until its first await the handler runs on this thread: had it not waited for the target,
        // the clear would already have reached the directory here.
        var second = _rig.NewDelivery();
        var waiting = _rig.Start(Deliveries.ClearUid("clr-1", "jdoe"), second);
        Assert.False(waiting.IsCompleted);
        Assert.DoesNotContain("directory.clear-enrollment uid=jdoe", _rig.Events.Snapshot());

        held.Open();
        await Task.WhenAll(running, waiting).WaitAsync(Patience);

        var events = _rig.Events;
        Assert.True(events.IndexOfSingle("publish.result stored") < events.IndexOfSingle("directory.clear-enrollment uid=jdoe"),
            string.Join(", ", events.Snapshot()));
        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored"], events.Snapshot().Take(4));
        Assert.Equal((1, 1), (first.Acks, second.Acks));
        Assert.False(_rig.Directory.Tokens.ContainsKey("uid=jdoe"));
        Assert.Equal(0, _rig.Locks.Count);
    }

    [Fact]
    public async Task The_same_serial_spelt_differently_is_the_same_target()
    {
        var held = _rig.Directory.Hold("serial=6699");
        var running = _rig.Start(Deliveries.Revocation("rev-1", "0x1A2B"), _rig.NewDelivery());
        await held.Entered.WaitAsync(Patience);

        var waiting = _rig.Start(Deliveries.ClearSerial("clr-2", "6699"), _rig.NewDelivery());
        Assert.DoesNotContain("directory.clear-revocation serial=6699", _rig.Events.Snapshot());

        held.Open();
        await Task.WhenAll(running, waiting).WaitAsync(Patience);
        Assert.True(_rig.Events.IndexOfSingle("publish.result stored") < _rig.Events.IndexOfSingle("directory.clear-revocation serial=6699"));
    }

    [Fact]
    public async Task The_same_uid_in_another_case_is_the_same_target()
    {
        // The directory matches uids with caseIgnoreMatch: jdoe and JDoe are one entry.
        var held = _rig.Directory.Hold("uid=jdoe");
        var running = _rig.Start(Deliveries.Enrollment("req-1", "jdoe"), _rig.NewDelivery());
        await held.Entered.WaitAsync(Patience);

        var waiting = _rig.Start(Deliveries.ClearUid("clr-3", "JDoe"), _rig.NewDelivery());
        Assert.DoesNotContain("directory.clear-enrollment uid=JDoe", _rig.Events.Snapshot());

        held.Open();
        await Task.WhenAll(running, waiting).WaitAsync(Patience);
        Assert.True(_rig.Events.IndexOfSingle("publish.result stored") < _rig.Events.IndexOfSingle("directory.clear-enrollment uid=JDoe"),
            string.Join(", ", _rig.Events.Snapshot()));
    }

    [Fact]
    public async Task A_directory_call_abandoned_after_its_timeout_keeps_the_target_until_it_really_ends()
    {
        // The pool gave up waiting, but libldap's call runs on and may still land its modify: the
        // job is settled (delayed delivery) and its slot freed, the target is not.
        var call = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _rig.Directory.FailNext(new DirectoryException(DirectoryFailure.Unavailable, "did not answer (test)", FakeDirectory.UserDn("jdoe"), 85)
        {
            StillRunning = call.Task,
        });
        var first = _rig.NewDelivery();
        await _rig.Start(Deliveries.Enrollment("req-1", "jdoe"), first).WaitAsync(Patience);
        Assert.Equal(1, first.Acks);
        Assert.Contains(_rig.Events.Snapshot(), e => e.StartsWith("delayed", StringComparison.Ordinal));

        var waiting = _rig.Start(Deliveries.ClearUid("clr-4", "jdoe"), _rig.NewDelivery());
        Assert.False(waiting.IsCompleted);
        Assert.DoesNotContain("directory.clear-enrollment uid=jdoe", _rig.Events.Snapshot());

        call.SetResult();
        await waiting.WaitAsync(Patience);
        Assert.Contains("directory.clear-enrollment uid=jdoe", _rig.Events.Snapshot());
        Assert.Equal(0, _rig.Locks.Count);
    }

    [Fact]
    public async Task Jobs_for_different_targets_run_at_the_same_time()
    {
        var held = _rig.Directory.Hold("uid=jdoe");
        var first = _rig.NewDelivery();
        var running = _rig.Start(Deliveries.Enrollment("req-1", "jdoe"), first);
        await held.Entered.WaitAsync(Patience);

        // asmith's job runs to its ack while jdoe's is still inside its directory write.
        var other = _rig.NewDelivery();
        await _rig.Start(Deliveries.Enrollment("req-2", "asmith"), other).WaitAsync(Patience);
        Assert.Equal(1, other.Acks);
        Assert.False(running.IsCompleted);
        Assert.Equal(0, first.Acks);

        held.Open();
        await running.WaitAsync(Patience);
        Assert.Equal(1, first.Acks);
        Assert.Equal(2, _rig.Publisher.Notices.Count);
        Assert.Equal(["req-2", "req-1"], _rig.Publisher.Results.Select(r => r.RequestId));
    }

    /// <summary>
    /// The target's turn lasts from the write to the settlement (ack, retry copy, failed result and
    /// dead letter): the next job for the target starts only after the first one's delivery is settled.
    /// </summary>
    [Fact]
    public async Task A_second_job_for_the_same_target_waits_until_the_first_is_settled()
    {
        var first = _rig.NewDelivery();
        first.HoldAck = new Gate();
        var running = _rig.Start(Deliveries.Enrollment("req-1", "jdoe"), first);
        await first.HoldAck.Entered.WaitAsync(Patience);

        var waiting = _rig.Start(Deliveries.ClearUid("clr-1", "jdoe"), _rig.NewDelivery());
        Assert.DoesNotContain("directory.clear-enrollment uid=jdoe", _rig.Events.Snapshot());

        first.HoldAck.Open();
        await Task.WhenAll(running, waiting).WaitAsync(Patience);
        var events = _rig.Events.Snapshot().ToList();
        Assert.True(events.IndexOf("ack") < events.IndexOf("directory.clear-enrollment uid=jdoe"), string.Join(", ", events));
    }
}
