using SharedSecretWorker.Broker.Partitions;

namespace SharedSecretWorker.Tests.Unit.Broker.Partitions;

/// <summary>How present workers share the partitions: every worker computes the same disjoint cover.</summary>
public sealed class PartitionShareTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(5, 4)]
    public void Every_partition_has_exactly_one_preferring_worker_and_the_shares_differ_by_at_most_one(int workers, int partitions)
    {
        var names = Enumerable.Range(0, workers).Select(i => $"host-{i * 7919 % 1000}-abc{i}").ToArray();

        var preferring = Enumerable.Range(0, partitions)
            .Select(p => names.Where(w => PartitionShare.Prefers(w, names.Where(o => o != w).ToArray(), p)).ToArray())
            .ToArray();

        Assert.All(preferring, p => Assert.Single(p));
        var shares = names.Select(w => preferring.Count(p => p[0] == w)).ToArray();
        Assert.InRange(shares.Max() - shares.Min(), 0, 1);
    }

    [Fact]
    public void A_lone_worker_prefers_every_partition()
    {
        Assert.All(Enumerable.Range(0, 4), p => Assert.True(PartitionShare.Prefers("only", [], p)));
    }

    [Fact]
    public void The_answer_does_not_depend_on_the_order_the_others_were_heard_in()
    {
        Assert.Equal(
            Enumerable.Range(0, 8).Select(p => PartitionShare.Prefers("b", ["c", "a"], p)),
            Enumerable.Range(0, 8).Select(p => PartitionShare.Prefers("b", ["a", "c"], p)));
    }
}
