using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Broker;

/// <summary>
/// Several broker endpoints (RabbitMq:Endpoints): the worker reaches the broker through whichever
/// node answers. Here one named node is down (a loopback port nobody listens on) and the other is the
/// stack's RabbitMQ; the client tries them in random order, so either order is exercised over runs.
/// </summary>
public sealed class BrokerFailoverTests
{
    [Fact]
    public async Task A_worker_whose_first_node_is_down_works_through_another_node()
    {
        var stack = StackEnvironment.Load();
        var live = new Uri(stack.Get("STACK_RABBITMQ_URI"));
        var user = new Uri(WorkerUnderTest.StackConfiguration(stack, "unused")["RabbitMq:Uri"]!).UserInfo;
        var down = $"amqp://{user}@127.0.0.1:{FreePort.Next()}{live.AbsolutePath}";

        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = down,
            ["RabbitMq:Endpoints:0"] = $"{live.Host}:{live.Port}",
        });
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();

        var id = await worker.EnrollAsync(uid);
        var result = await worker.ResultAsync(id);
        Assert.Equal(ResultStatus.Stored, result.Status);
    }
}
