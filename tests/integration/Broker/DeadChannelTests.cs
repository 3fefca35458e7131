using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Broker;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Integration.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Integration.Telemetry;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Broker;

/// <summary>
/// Channels on the real RabbitMQ: a channel-level error closes a channel for good (the client's
/// automatic recovery re-creates channels only after a lost connection), and while a circuit breaker
/// is open the worker holds no consumer, so the queued requests stay free for other workers.
/// </summary>
public sealed class DeadChannelTests
{
    [Fact]
    public async Task A_publishing_channel_closed_by_a_channel_error_is_replaced()
    {
        await using var worker = await WorkerUnderTest.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(worker.Configuration(new Dictionary<string, string?>())).Build();
        var options = configuration.GetSection(RabbitMqOptions.SectionName).Get<RabbitMqOptions>()!;
        options.PublishChannels = 1; // every publish on the one channel
        await using var broker = new BrokerConnection(Options.Create(options), NullLogger<BrokerConnection>.Instance);
        await using var publisher = new RabbitMqPublisher(broker, Options.Create(options), NullLogger<RabbitMqPublisher>.Instance);
        var body = "{}"u8.ToArray();

        // 404 NOT_FOUND: the broker closes the channel.
        await Assert.ThrowsAnyAsync<BrokerUnavailableException>(() =>
            publisher.PublishAsync(new OutgoingMessage(worker.Prefix + ".no-such-exchange", "x", body), CancellationToken.None));

        for (var i = 0; i < 3; i++)
            await publisher.PublishAsync(new OutgoingMessage(worker.ResultsExchange, "enrollment.stored", body) { Mandatory = false }, CancellationToken.None);
    }

    [Fact]
    public async Task While_a_breaker_is_open_the_worker_holds_no_consumer_and_resumes_when_it_closes()
    {
        var stack = StackEnvironment.Load();
        var target = new Uri(stack.Get("STACK_LDAP_URL"));
        await using var forwarder = new TcpForwarder(target.Host, target.Port);
        forwarder.Start();
        using var directory = new DirectoryProbe();
        var uids = Enumerable.Range(0, 4).Select(_ => directory.CreatePerson()).ToList();
        var metrics = FreePort.MetricsEndpoint();
        var readyz = HttpProbe.Beside(metrics, "/readyz");
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Directory:Url"] = $"ldap://127.0.0.1:{forwarder.Port}",
            ["Directory:OperationTimeout"] = "00:00:01",
            ["Directory:ConnectTimeout"] = "00:00:01",
            ["Telemetry:PrometheusEndpoint"] = metrics.ToString(),
            ["Telemetry:HealthCheckInterval"] = "00:00:00.500",
        });
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(await worker.EnrollAsync(uids[0]))).Status);

        // The directory goes silent: failures open its breaker, and the worker cancels its consumers.
        forwarder.Paused = true;
        var ids = new List<string>();
        foreach (var uid in uids.Skip(1)) ids.Add(await worker.EnrollAsync(uid));
        var paused = await WaitForAsync(async () => (await HttpProbe.GetAsync(readyz)).Body, b => b.Contains("paused while the directory circuit breaker is open", StringComparison.Ordinal));
        Assert.Contains("broker: not consuming (paused while the directory circuit breaker is open)", paused, StringComparison.Ordinal);
        for (var p = 0; p < worker.Partitions; p++) Assert.Equal(0u, await worker.ConsumerCountAsync(worker.PartitionQueue("interactive", p)));

        forwarder.Paused = false;
        var results = await Task.WhenAll(ids.Select(id => worker.ResultAsync(id, TimeSpan.FromSeconds(60))));
        Assert.All(results, r => Assert.Equal(ResultStatus.Stored, r.Status));
        for (var p = 0; p < worker.Partitions; p++) Assert.Equal(1u, await worker.ConsumerCountAsync(worker.PartitionQueue("interactive", p)));
        Assert.Empty(worker.DeadLetters);
    }

    private static async Task<string> WaitForAsync(Func<Task<string>> read, Func<string, bool> done)
    {
        var last = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            last = await read();
            if (done(last)) return last;
        }
        Assert.Fail($"not reached within 30 s; last: {last}");
        return last;
    }
}
