using SharedSecretWorker.Tests.Unit.Processing.Fakes;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// A request is processed only in the partition of its own target key (docs/messages.md, "Partitions"):
/// one without the key, with another key, or from a queue that is no partition (the lane queue of before
/// partitioning) is routed on with its key, unprocessed, and acknowledged once the copy is confirmed.
/// </summary>
public sealed class PartitionRoutingTests : IDisposable
{
    private readonly ProcessingRig _rig = new();

    public void Dispose() => _rig.Dispose();

    public static TheoryData<string?, bool> Misrouted => new()
    {
        { null, true },             // published without the header: hashed to one fixed partition
        { "uid:JDoe", true },       // not folded as the directory compares uids
        { "uid:someone-else", true },
        { "uid:jdoe", false },      // the right key, but from the lane queue of before partitioning
    };

    [Theory]
    [MemberData(nameof(Misrouted))]
    public async Task A_request_outside_its_partition_is_routed_on_with_its_key_and_nothing_else_happens(string? key, bool partitioned)
    {
        var delivery = await _rig.RunAsync(Deliveries.Keyed(Deliveries.Enrollment("req-1", "JDoe"), key, partitioned));

        Assert.Equal(["routed key=uid:jdoe", "ack"], _rig.Events.Snapshot());
        var routed = Assert.Single(_rig.Partitions.Copies);
        Assert.Equal(Deliveries.Producer, routed.Producer);
        Assert.Equal(0, delivery.HoldsTaken);
        Assert.Empty(_rig.Publisher.Results);
        Assert.Empty(_rig.Directory.Tokens);
    }

    [Fact]
    public async Task A_revocation_is_keyed_by_its_serial_in_decimal()
    {
        await _rig.RunAsync(Deliveries.Keyed(Deliveries.Revocation("rev-1", "0x1A2B"), "serial:0x1A2B"));

        Assert.Equal(["routed key=serial:6699", "ack"], _rig.Events.Snapshot());
    }

    [Fact]
    public async Task A_routed_copy_the_broker_did_not_confirm_leaves_the_request_with_the_broker()
    {
        _rig.Partitions.Fail = true;

        var delivery = await _rig.RunAsync(Deliveries.Keyed(Deliveries.Enrollment(), null));

        Assert.Equal(["routed unconfirmed", "handback"], _rig.Events.Snapshot());
        Assert.Equal(0, delivery.Acks);
    }

    [Fact]
    public async Task An_unreadable_request_is_refused_where_it_lands_since_it_has_no_target_to_order()
    {
        var delivery = await _rig.RunAsync(Deliveries.Keyed(Deliveries.Of("{\"version\": 1, \"kind\": \"enrollment\"}", messageId: "bad-1"), null));

        Assert.Empty(_rig.Partitions.Copies);
        Assert.Equal(1, delivery.Acks);
        Assert.Contains(_rig.Events.Snapshot(), e => e.StartsWith("deadletter code=invalid-request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_in_its_own_partition_is_processed_there()
    {
        var delivery = await _rig.RunAsync(Deliveries.Keyed(Deliveries.Enrollment("req-1", "JDoe"), "uid:jdoe"));

        Assert.Empty(_rig.Partitions.Copies);
        Assert.Equal(1, delivery.Acks);
        Assert.Equal(1, delivery.HoldsTaken);
        Assert.Equal(0, delivery.HoldsHeld);
        Assert.True(_rig.Directory.Tokens.ContainsKey("uid=JDoe"));
    }
}
