using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing;

public sealed class CompletedRequestsTests
{
    [Fact]
    public void Remembers_up_to_its_capacity_and_forgets_the_oldest_first()
    {
        var completed = new CompletedRequests(3);
        foreach (var id in new[] { "a", "b", "c", "a", "d" }) completed.Add(id);
        Assert.Equal(3, completed.Count);
        Assert.False(completed.Contains("a"));
        Assert.True(completed.Contains("b"));
        Assert.True(completed.Contains("d"));
    }

    [Fact]
    public void Stays_bounded_through_a_large_batch()
    {
        var completed = new CompletedRequests(1000);
        for (var i = 0; i < 100_000; i++) completed.Add($"batch:{i}");
        Assert.Equal(1000, completed.Count);
        Assert.True(completed.Contains("batch:99999"));
    }

    [Fact]
    public void Zero_capacity_remembers_nothing()
    {
        var completed = new CompletedRequests(0);
        completed.Add("x");
        Assert.False(completed.Contains("x"));
    }
}
