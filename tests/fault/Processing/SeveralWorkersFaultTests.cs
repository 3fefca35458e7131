using Xunit.Abstractions;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Tests.Fault.Infrastructure;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Processing;

/// <summary>
/// Several workers, one truth (docs/operations.md, "Running several workers"): workers as real processes
/// on a three-node RabbitMQ cluster, 5,000 requests in which every target is asked for four times at once,
/// in both lanes and in three letter cases of its uid; one worker is killed with SIGKILL and the node
/// leading the request queues is stopped, then both come back. Every request ends with a final result
/// (repeats, if a kill fell between a result and its ack, carry the same outcome); for every target the
/// last notice, in the order a consumer of the notices exchange receives them, opens the token the
/// directory holds, read as the CA reads it; the only dead letters are the permanent failures.
/// </summary>
public sealed class SeveralWorkersFaultTests(ITestOutputHelper output)
{
    private const int Targets = 1240;
    private const int RequestsPerTarget = 4;
    private const int UnknownUids = 40;

    [Fact]
    public Task Two_workers_one_killed_and_the_leading_broker_node_stopped_the_last_notice_opens_every_stored_token() => RunAsync(workers: 2);

    [Fact]
    public Task One_worker_killed_and_the_leading_broker_node_stopped_the_last_notice_opens_every_stored_token() => RunAsync(workers: 1);

    private async Task RunAsync(int workers)
    {
        var stack = StackEnvironment.Load();
        Assert.True(stack.BrokerNodes >= 3, "this test needs the three-node broker of tests/run (deploy/local/stack up --broker-nodes 3)");
        // The observer on nodes 2 and 3; the topology declared through node 1 alone, so that node 1 leads
        // the request queues (RabbitMQ places a quorum queue's leader on the declaring client's node):
        // the node stopped below is then never the observer's.
        await using var observer = await WorkerUnderTest.ObserveAsync(brokerNodes: [2, 3]);
        var declaring = observer.Configuration(new Dictionary<string, string?> { ["Topology:PresenceInterval"] = "00:00:00.500" });
        var configuration = new Dictionary<string, string?>(declaring);
        foreach (var (key, value) in stack.ExtraBrokerEndpointSettings()) configuration[key] = value;

        // The topology first (a worker declares it and stops), then everything queued at once.
        using (var declare = WorkerProcess.Start(declaring))
        {
            await declare.WaitUntilConsumingAsync();
            declare.Terminate();
            Assert.Equal(0, await declare.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        var uids = Enumerable.Range(501, Targets).Select(n => $"user{n:D4}").ToList();
        var requests = new List<(string Uid, bool Bulk)>();
        for (var round = 0; round < RequestsPerTarget; round++)
        {
            foreach (var (uid, i) in uids.Select((u, i) => (u, i)))
            {
                var spelling = ((round + i) % 3) switch { 0 => uid, 1 => uid.ToUpperInvariant(), _ => "User" + uid[4..] };
                requests.Add((spelling, (round + i) % 2 == 1));
            }
        }
        var unknown = Enumerable.Range(0, UnknownUids).Select(n => $"nobody{n:D4}-{observer.Prefix[^6..]}").ToList();
        requests.AddRange(unknown.Select((u, i) => (u, i % 2 == 1)));
        var ids = new List<string>();
        foreach (var chunk in requests.Chunk(100))
            ids.AddRange(await Task.WhenAll(chunk.Select(r => observer.EnrollAsync(r.Uid, batchId: r.Bulk ? "several-workers" : null))));

        var running = Enumerable.Range(0, workers).Select(_ => WorkerProcess.Start(configuration)).ToList();
        try
        {
            await Task.WhenAll(running.Select(w => w.WaitUntilConsumingAsync()));
            await Outcomes.WaitForResultsAsync(observer, ids.Count / 5, TimeSpan.FromMinutes(3));
            running[0].Kill();
            var leader = await Stack.BrokerLeaderAsync(observer.Prefix + ".requests.interactive.p00");
            Assert.Equal(1, leader);
            await Stack.StopBrokerNodeAsync(leader);
            var before = observer.Results.Count;
            Assert.True(before < ids.Count, "the faults came after the work was done: the test proves less than it says");
            if (workers > 1)
            {
                // The survivor goes on through the other nodes while the killed worker and the node are away.
                await Outcomes.WaitForResultsAsync(observer, Math.Min(ids.Count, before + 500), TimeSpan.FromMinutes(3));
            }
            await Stack.StartBrokerNodeAsync(leader);
            running[0].Dispose();
            running[0] = WorkerProcess.Start(configuration);

            var results = await Task.WhenAll(ids.Select(id => observer.ResultAsync(id, Outcomes.Drain)));
            var unknownIds = ids.Skip(requests.Count - UnknownUids).ToHashSet(StringComparer.Ordinal);
            var wrong = results.Where(r => r.Status != (unknownIds.Contains(r.RequestId!) ? ResultStatus.Failed : ResultStatus.Stored)).ToList();
            Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(10).Select(r => $"{r.RequestId}: {r.Status} {r.Error?.Code} {r.Error?.Message}")));
            // A repeated result (a kill between a result's confirm and its ack) never says something else.
            var conflicting = observer.AllResults.GroupBy(r => r.RequestId).Where(g => g.Select(r => r.Status).Distinct().Count() > 1).Select(g => g.Key).ToList();
            Assert.True(conflicting.Count == 0, "requests with conflicting results: " + string.Join(", ", conflicting.Take(10)));

            Invariant.HoldsForEveryTarget(observer, uids);
            output.WriteLine($"{workers} worker(s): {ids.Count} requests, {observer.AllResults.Count} results ({observer.AllResults.Count - ids.Count} repeated), " +
                $"{observer.Notices.Count} notices, {observer.DeadLetters.Count} dead letters; faults after {before} results, node {leader} stopped.");
            var deadLetterCodes = observer.DeadLetters.Select(d => d.Code).Distinct().ToList();
            Assert.True(deadLetterCodes.All(c => c == ErrorCodes.UnknownUid), "dead letters other than unknown-uid: " + string.Join(", ", deadLetterCodes));
            Assert.Equal(UnknownUids, observer.DeadLetters.Count(d => d.Code == ErrorCodes.UnknownUid));
        }
        finally
        {
            foreach (var worker in running) worker.Dispose();
            await Stack.StartBrokerNodesAsync();
        }
    }
}
