using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Processing;

/// <summary>Security:Producers, checked against the broker-validated user_id.</summary>
public sealed class ProducerAllowListTests
{
    [Fact]
    public async Task Only_listed_producers_may_send_enrollments()
    {
        var stack = StackEnvironment.Load();
        var admin = stack.Get("STACK_RABBITMQ_ADMIN_USER");
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Security:Producers:enrollment:0"] = "someone-else",
            ["Security:Producers:clear:0"] = admin,
        });
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();

        // user_id is checked by RabbitMQ against the connection's user: it cannot be forged.
        var id = "t-" + Guid.NewGuid().ToString("N");
        await worker.PublishAsync("enrollment",
            $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{id}\",\"uid\":\"{uid}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"a@b\"}}}}", userId: admin);
        var refused = await worker.ResultAsync(id);
        Assert.Equal(ResultStatus.Failed, refused.Status);
        Assert.Equal("forbidden", refused.Error!.Code);
        Assert.Empty(directory.EnrollmentTokens(uid));

        var noUser = "t-" + Guid.NewGuid().ToString("N");
        await worker.PublishAsync("enrollment",
            $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{noUser}\",\"uid\":\"{uid}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"a@b\"}}}}");
        Assert.Equal("forbidden", (await worker.ResultAsync(noUser)).Error!.Code);

        var clear = "t-" + Guid.NewGuid().ToString("N");
        await worker.PublishAsync("clear", $"{{\"version\":1,\"kind\":\"clear\",\"requestId\":\"{clear}\",\"uid\":\"{uid}\"}}", userId: admin);
        Assert.Equal(ResultStatus.Cleared, (await worker.ResultAsync(clear)).Status);
    }
}
