using SharedSecretWorker.Contracts;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// Security:Producers: enrollments only from "idm"; a kind without a list is open. The producer is
/// the broker-validated user_id, or on the worker's own copies the producer header it kept.
/// </summary>
public sealed class RequestHandlerProducerTests : IDisposable
{
    private readonly ProcessingRig _rig = new(new SecurityOptions { Producers = { ["enrollment"] = [Deliveries.Producer] } });

    public void Dispose() => _rig.Dispose();

    [Theory]
    [InlineData("mallory")]
    [InlineData(null)]
    public async Task An_enrollment_from_an_unlisted_producer_is_forbidden_without_touching_HSM_or_directory(string? user)
    {
        var delivery = await _rig.RunAsync(Deliveries.Enrollment("req-1", userId: user));

        Assert.Equal(["publish.result failed code=forbidden", "deadletter code=forbidden", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        Assert.Equal(0, _rig.Hsm.RandomCalls);
        Assert.Equal(0, _rig.Directory.Calls);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal(("req-1", ErrorCodes.Forbidden), (result.RequestId, result.Error!.Code));
        Assert.Equal(user, Assert.Single(_rig.DeadLetters.Letters).Reason.Producer);
    }

    [Fact]
    public async Task An_enrollment_from_a_listed_producer_is_stored()
    {
        await _rig.RunAsync(Deliveries.Enrollment(userId: Deliveries.Producer));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
    }

    [Fact]
    public async Task A_producer_cannot_claim_another_producer_by_header()
    {
        var forged = Deliveries.WithHeaders(Deliveries.Enrollment(userId: "mallory"), new() { [MessageHeaders.Producer] = "idm"u8.ToArray() });

        await _rig.RunAsync(forged);

        Assert.Equal(["publish.result failed code=forbidden", "deadletter code=forbidden", "ack"], _rig.Events.Snapshot());
    }

    [Fact]
    public async Task The_workers_own_copy_is_judged_by_the_producer_it_kept()
    {
        await _rig.RunAsync(Deliveries.WorkerCopy(Deliveries.Enrollment(), 2, producer: Deliveries.Producer));
        Assert.Equal("publish.result stored", _rig.Events.Snapshot()[3]);

        _rig.Events.Clear();
        await _rig.RunAsync(Deliveries.WorkerCopy(Deliveries.Enrollment("req-2"), 2, producer: "mallory"));
        Assert.Equal(["publish.result failed code=forbidden", "deadletter code=forbidden", "ack"], _rig.Events.Snapshot());
    }

    [Fact]
    public async Task A_kind_without_a_list_is_open_to_any_producer()
    {
        await _rig.RunAsync(Deliveries.Revocation(userId: "mallory"));

        Assert.Equal(["hsm.encrypt", "directory.store-revocation serial=6699", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
    }
}
