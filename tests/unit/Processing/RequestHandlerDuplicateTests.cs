using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// The duplicate memory (docs/messages.md, "Ordering and duplicates"): checked inside the target's
/// turn, keyed by producer and request id, with the body's SHA-256 to tell a redelivery from another
/// request under the same id.
/// </summary>
public sealed class RequestHandlerDuplicateTests : IDisposable
{
    private const string Conflict = "request-id-conflict";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ProcessingRig _rig = new();

    public void Dispose() => _rig.Dispose();

    /// <summary>
    /// The broker redelivers a request (its channel closed) while the original job is still inside its
    /// directory write: the redelivery waits for the target, then finds the original completed.
    /// </summary>
    [Fact]
    public async Task A_redelivery_that_waited_behind_its_original_is_settled_as_a_duplicate()
    {
        var message = Deliveries.Enrollment("req-1", "jdoe");
        var held = _rig.Directory.Hold("uid=jdoe");
        var original = _rig.NewDelivery();
        var running = _rig.Start(message, original);
        await held.Entered.WaitAsync(Patience);

        var redelivery = _rig.NewDelivery();
        var waiting = _rig.Start(Deliveries.Redelivery(message), redelivery);
        Assert.False(waiting.IsCompleted);

        held.Open();
        await Task.WhenAll(running, waiting).WaitAsync(Patience);

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack", "ack"], _rig.Events.Snapshot());
        Assert.Equal((1, 1), (original.Acks, redelivery.Acks));
        Assert.Single(_rig.Hsm.Passphrases);
        Assert.Single(_rig.Publisher.Notices);
        Assert.Equal(FakeTokenEncryptor.Decrypt(_rig.Directory.Tokens["uid=jdoe"]), _rig.Unseal(_rig.Publisher.Notices[0]));
    }

    [Fact]
    public async Task The_same_request_id_from_two_producers_is_two_requests_and_both_get_tokens()
    {
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe", userId: "idm-hr"));
        _rig.Events.Clear();

        var second = await _rig.RunAsync(Deliveries.Enrollment("req-1", "asmith", userId: "idm-contractors"));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=asmith", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, second.Acks);
        Assert.Equal(["jdoe", "asmith"], _rig.Publisher.Notices.Select(n => n.Uid));
        Assert.All(_rig.Publisher.Results, r => Assert.Equal(("req-1", ResultStatus.Stored), (r.RequestId, r.Status)));
    }

    [Fact]
    public async Task The_same_request_id_and_body_from_two_producers_both_get_tokens()
    {
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe", userId: "idm-hr"));
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe", userId: "idm-contractors"));

        Assert.Equal(2, _rig.Publisher.Notices.Count);
        Assert.Equal(2, _rig.Hsm.Passphrases.Count);
    }

    [Fact]
    public async Task The_same_request_id_from_the_same_producer_with_another_body_is_a_request_id_conflict()
    {
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));
        var token = _rig.Directory.Tokens["uid=jdoe"];
        _rig.Events.Clear();

        var delivery = await _rig.RunAsync(Deliveries.Enrollment("req-1", "asmith"));

        Assert.Equal([$"publish.result failed code={Conflict}", $"deadletter code={Conflict}", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        Assert.Single(_rig.Hsm.Passphrases);
        Assert.Equal(token, _rig.Directory.Tokens["uid=jdoe"]);
        Assert.False(_rig.Directory.Tokens.ContainsKey("uid=asmith"));
        var result = _rig.Publisher.Results[^1];
        Assert.Equal(("req-1", ResultStatus.Failed, Conflict), (result.RequestId, result.Status, result.Error!.Code));
        Assert.Equal(Conflict, Assert.Single(_rig.DeadLetters.Letters).Reason.Code);
    }

    [Fact]
    public async Task The_workers_retry_copy_of_a_completed_request_is_a_duplicate_of_its_producers_request()
    {
        var message = Deliveries.Enrollment("req-1", "jdoe");
        await _rig.RunAsync(message);
        _rig.Events.Clear();

        await _rig.RunAsync(Deliveries.WorkerCopy(message, 2, producer: Deliveries.Producer));

        Assert.Equal(["ack"], _rig.Events.Snapshot());
    }
}
