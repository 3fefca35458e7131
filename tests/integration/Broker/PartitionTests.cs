using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Broker;

/// <summary>
/// The partitions on the real broker (docs/messages.md, "Partitions"): the consistent-hash exchange puts
/// every request for one target, in any letter case of its uid, in one single-active-consumer partition;
/// a request without its key is routed there by the worker; two workers share the partitions and one
/// takes the other's over when it goes.
/// </summary>
public sealed class PartitionTests
{
    private static readonly Dictionary<string, string?> FastPresence = new() { ["Topology:PresenceInterval"] = "00:00:00.500" };

    [Fact]
    public async Task Requests_for_one_uid_in_any_letter_case_wait_in_one_partition_and_the_last_notice_opens_the_stored_token()
    {
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        await using var worker = await WorkerUnderTest.StartAsync();
        await worker.StopWorkerAsync();

        var spellings = new[] { uid, uid.ToUpperInvariant(), char.ToUpperInvariant(uid[0]) + uid[1..] };
        var ids = new List<string>();
        foreach (var spelling in spellings.Concat(spellings)) ids.Add(await worker.EnrollAsync(spelling));

        var counts = new List<uint>();
        for (var p = 0; p < worker.Partitions; p++) counts.Add(await worker.MessageCountAsync(worker.PartitionQueue("interactive", p)));
        Assert.Equal(ids.Count, (int)counts.Max());
        Assert.Equal(ids.Count, (int)counts.Sum(c => c));

        await using (await worker.StartPeerAsync(worker.Prefix + ".second"))
        {
            var results = await Task.WhenAll(ids.Select(id => worker.ResultAsync(id, TimeSpan.FromSeconds(60))));
            Assert.All(results, r => Assert.Equal(ResultStatus.Stored, r.Status));
        }
        var last = worker.Notices.Last(n => ids.Contains(n.RequestId));
        var token = Assert.Single(directory.EnrollmentTokens(uid));
        Assert.Equal(TokenDigest.Sha256Hex(token), last.TokenSha256);
        Assert.Equal(worker.OpenNotice(last), worker.DecryptToken(token, KeyWrap.Pkcs1));
    }

    [Fact]
    public async Task A_request_published_without_its_target_key_is_routed_to_its_partition_and_processed_once()
    {
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        await using var worker = await WorkerUnderTest.StartAsync();

        var id = await worker.EnrollAsync(uid, keyed: false);

        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(id)).Status);
        Assert.Single(worker.NoticesOf(id));
        Assert.Single(directory.EnrollmentTokens(uid));
        for (var p = 0; p < worker.Partitions; p++) Assert.Equal(0u, await worker.MessageCountAsync(worker.PartitionQueue("interactive", p)));
        Assert.Empty(worker.DeadLetters);
    }

    [Fact]
    public async Task Two_workers_share_the_partitions_and_the_one_left_takes_them_all_over()
    {
        using var directory = new DirectoryProbe();
        using var management = new BrokerManagement();
        var uids = Enumerable.Range(0, 16).Select(_ => directory.CreatePerson()).ToList();
        await using var worker = await WorkerUnderTest.StartAsync(FastPresence);
        var second = worker.Prefix + ".second";
        var ids = new List<string>();
        var partitions = Enumerable.Range(0, worker.Partitions).Select(p => worker.PartitionQueue("interactive", p)).ToArray();

        await using (await worker.StartPeerAsync(second, FastPresence))
        {
            // Traffic on every partition: a partition is given up only where it evidently delivers.
            var shared = await WhileEnrollingAsync(worker, uids, ids, async () =>
            {
                var active = await Task.WhenAll(partitions.Select(management.ActiveConsumerConnectionAsync));
                return active.Count(c => c == second) == worker.Partitions / 2 && active.Count(c => c == worker.WorkerConnectionName) == worker.Partitions / 2
                    ? active : null;
            });
            Assert.Equal(worker.Partitions / 2, shared.Count(c => c == second));
        }

        // The second worker stopped: its partitions' waiting consumer, the first worker, is active at once.
        var taken = await WhileEnrollingAsync(worker, uids, ids, async () =>
        {
            var active = await Task.WhenAll(partitions.Select(management.ActiveConsumerConnectionAsync));
            return active.All(c => c == worker.WorkerConnectionName) ? active : null;
        });
        Assert.All(taken, c => Assert.Equal(worker.WorkerConnectionName, c));

        var results = await Task.WhenAll(ids.Select(id => worker.ResultAsync(id, TimeSpan.FromSeconds(60))));
        Assert.All(results, r => Assert.Equal(ResultStatus.Stored, r.Status));
        Assert.Empty(worker.DeadLetters);
    }

    [Fact]
    public async Task A_request_completed_by_one_worker_is_a_duplicate_for_the_worker_that_takes_its_partition_over()
    {
        using var directory = new DirectoryProbe();
        using var management = new BrokerManagement();
        var uid = directory.CreatePerson();
        var onePartition = new Dictionary<string, string?>(FastPresence) { ["Topology:Partitions"] = "1" };
        await using var worker = await WorkerUnderTest.StartAsync(onePartition);
        var second = worker.Prefix + ".second";
        await using var peer = await worker.StartPeerAsync(second, onePartition);
        // Both present (three presence intervals), so each hears the other's completed requests.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var id = "dup-" + Guid.NewGuid().ToString("N");
        var body = $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{id}\",\"uid\":\"{uid}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"{uid}@example.com\"}}}}";
        await worker.PublishAsync("enrollment", body);
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(id)).Status);
        var token = Assert.Single(directory.EnrollmentTokens(uid));

        // The worker that did it goes; the other takes the partition over and gets the same request
        // again, as it would after a kill between the result and the ack.
        string? active = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); active is null && DateTime.UtcNow < deadline; await Task.Delay(250))
            active = await management.ActiveConsumerConnectionAsync(worker.PartitionQueue("interactive", 0));
        if (active == second) await peer.DisposeAsync();
        else await worker.StopWorkerAsync();
        await worker.PublishAsync("enrollment", body);
        var control = await worker.EnrollAsync(directory.CreatePerson());
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(control, TimeSpan.FromSeconds(60))).Status);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Single(worker.NoticesOf(id));
        Assert.Single(worker.AllResults, r => r.RequestId == id);
        Assert.Equal(token, Assert.Single(directory.EnrollmentTokens(uid)));
    }

    /// <summary>Enrolls the uids round and round until <paramref name="check"/> gives an answer (at most 60 s).</summary>
    private static async Task<string?[]> WhileEnrollingAsync(WorkerUnderTest worker, List<string> uids, List<string> ids, Func<Task<string?[]?>> check)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        using var management = new BrokerManagement();
        while (true)
        {
            foreach (var uid in uids) ids.Add(await worker.EnrollAsync(uid));
            if (await check() is { } answer) return answer;
            if (DateTime.UtcNow > deadline)
            {
                var active = await Task.WhenAll(Enumerable.Range(0, worker.Partitions)
                    .Select(p => management.ActiveConsumerConnectionAsync(worker.PartitionQueue("interactive", p))));
                Assert.Fail($"the partitions were not shared as expected within 60 s; active consumers now: {string.Join(", ", active.Select(a => a ?? "none"))}");
            }
            await Task.Delay(250);
        }
    }
}
