using System.Text;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing;

public sealed class CompletedRequestsTests
{
    private static readonly byte[] Body = CompletedRequests.Digest("{\"uid\":\"jdoe\"}"u8);

    [Fact]
    public void Remembers_up_to_its_capacity_and_forgets_the_oldest_first()
    {
        var completed = new CompletedRequests(3);
        foreach (var id in new[] { "a", "b", "c", "a", "d" }) completed.Add("idm", id, Body);
        Assert.Equal(3, completed.Count);
        Assert.Equal(CompletedRequestMatch.NotCompleted, completed.Match("idm", "a", Body));
        Assert.Equal(CompletedRequestMatch.SameRequest, completed.Match("idm", "b", Body));
        Assert.Equal(CompletedRequestMatch.SameRequest, completed.Match("idm", "d", Body));
    }

    [Fact]
    public void Stays_bounded_through_a_large_batch()
    {
        var completed = new CompletedRequests(1000);
        for (var i = 0; i < 100_000; i++) completed.Add("idm", $"batch:{i}", Body);
        Assert.Equal(1000, completed.Count);
        Assert.Equal(CompletedRequestMatch.SameRequest, completed.Match("idm", "batch:99999", Body));
    }

    [Fact]
    public void Zero_capacity_remembers_nothing()
    {
        var completed = new CompletedRequests(0);
        completed.Add("idm", "x", Body);
        Assert.Equal(CompletedRequestMatch.NotCompleted, completed.Match("idm", "x", Body));
    }

    [Fact]
    public void Is_keyed_by_producer_and_request_id_and_tells_another_body_apart()
    {
        var completed = new CompletedRequests(10);
        completed.Add("idm", "req-1", Body);
        completed.Add(null, "req-2", Body);

        Assert.Equal(CompletedRequestMatch.NotCompleted, completed.Match("other", "req-1", Body));
        Assert.Equal(CompletedRequestMatch.DifferentBody, completed.Match("idm", "req-1", CompletedRequests.Digest(Encoding.UTF8.GetBytes("{\"uid\":\"asmith\"}"))));
        Assert.Equal(CompletedRequestMatch.SameRequest, completed.Match(null, "req-2", Body));
        Assert.Equal(CompletedRequestMatch.NotCompleted, completed.Match("idm", "req-2", Body));
    }
}
