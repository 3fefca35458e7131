using RabbitMQ.Client;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Broker;

/// <summary>
/// Upgrading from the topology of before partitioning (docs/operations.md, "Upgrading to partitions"):
/// a worker started where the old lane queue still holds requests unbinds it from the requests exchange
/// and moves every request in it to its partition, without losing or doubling one.
/// </summary>
public sealed class UpgradeTests
{
    [Fact]
    public async Task A_worker_started_on_the_old_topology_moves_every_queued_request_to_its_partition()
    {
        using var directory = new DirectoryProbe();
        var uids = Enumerable.Range(0, 10).Select(_ => directory.CreatePerson()).ToList();
        await using var observer = await WorkerUnderTest.ObserveAsync();
        var oldQueue = observer.Prefix + ".requests.interactive";
        var stack = StackEnvironment.Load();
        await using (var admin = await stack.AdminConnectionFactory("shrtok-test-upgrade").CreateConnectionAsync())
        await using (var channel = await admin.CreateChannelAsync())
        {
            // The lane queue exactly as the worker of before partitioning declared it.
            await channel.ExchangeDeclareAsync(observer.RequestsExchange, ExchangeType.Topic, durable: true);
            await channel.ExchangeDeclareAsync(observer.Prefix + ".retry", ExchangeType.Direct, durable: true);
            await channel.QueueDeclareAsync(oldQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = 20,
                ["x-dead-letter-exchange"] = observer.Prefix + ".dead-letter",
            });
            foreach (var kind in Enum.GetValues<RequestKind>())
                await channel.QueueBindAsync(oldQueue, observer.RequestsExchange, RequestRouting.KeyOf(kind, Lane.Interactive));
            await channel.QueueBindAsync(oldQueue, observer.Prefix + ".retry", oldQueue);
        }

        // Queued by producers of before (no target key), three per user, in two letter cases.
        var ids = new List<string>();
        foreach (var round in Enumerable.Range(0, 3))
            foreach (var uid in uids) ids.Add(await observer.EnrollAsync(round == 1 ? uid.ToUpperInvariant() : uid, keyed: false));
        Assert.Equal((uint)ids.Count, await observer.MessageCountAsync(oldQueue));

        await using (await observer.StartPeerAsync(observer.WorkerConnectionName))
        {
            var results = await Task.WhenAll(ids.Select(id => observer.ResultAsync(id, TimeSpan.FromSeconds(90))));
            Assert.All(results, r => Assert.Equal(ResultStatus.Stored, r.Status));
            // A request published now reaches its partition, not the old queue.
            var late = await observer.EnrollAsync(uids[0], keyed: false);
            Assert.Equal(ResultStatus.Stored, (await observer.ResultAsync(late, TimeSpan.FromSeconds(30))).Status);
            ids.Add(late);
            Assert.Equal(0u, await observer.MessageCountAsync(oldQueue));
        }

        Assert.Equal(ids.Count, ids.Distinct().Count(id => observer.NoticesOf(id).Count == 1));
        foreach (var uid in uids)
        {
            var last = observer.Notices.Last(n => string.Equals(n.Uid, uid, StringComparison.OrdinalIgnoreCase));
            var token = Assert.Single(directory.EnrollmentTokens(uid));
            Assert.Equal(TokenDigest.Sha256Hex(token), last.TokenSha256);
            Assert.Equal(observer.OpenNotice(last), observer.DecryptToken(token, KeyWrap.Pkcs1));
        }
        Assert.Empty(observer.DeadLetters);
    }
}
