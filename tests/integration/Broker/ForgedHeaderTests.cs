using System.Text;
using RabbitMQ.Client;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Broker;

/// <summary>
/// The identity-management user sends requests carrying the worker's own headers (<c>x-shrtok-producer</c>,
/// <c>x-shrtok-attempt</c>, another <c>x-shrtok-*</c>): the worker trusts none of them, and none of them
/// reaches the dead-letter copy. The stack's IdM user may publish only on <c>shrtok.requests</c>, so the
/// test worker's interactive queue is bound there with a routing key of the test's own, which no other
/// queue binds.
/// </summary>
public sealed class ForgedHeaderTests
{
    [Fact]
    public async Task Forged_worker_headers_from_the_idm_user_are_not_trusted_and_do_not_reach_the_dead_letter()
    {
        var stack = StackEnvironment.Load();
        var idm = stack.Get("STACK_RABBITMQ_IDM_USER");
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Security:AllowAnyProducer"] = "false",
            ["Security:Producers:enrollment:0"] = idm,
            ["Security:Producers:revocation:0"] = idm,
            ["Security:Producers:clear:0"] = idm,
        });
        var routingKey = worker.Prefix + ".forged";
        await using (var admin = await stack.AdminConnectionFactory("shrtok-test-forged-admin").CreateConnectionAsync())
        await using (var setup = await admin.CreateChannelAsync())
        {
            await setup.ExchangeDeclareAsync(DefaultNames.RequestsExchange, ExchangeType.Topic, durable: true);
            await setup.ExchangeBindAsync(worker.Prefix + ".requests.interactive.partitions", DefaultNames.RequestsExchange, routingKey);
        }

        var factory = stack.AdminConnectionFactory("shrtok-test-forged-idm");
        factory.UserName = idm;
        factory.Password = stack.ReadFile("STACK_RABBITMQ_IDM_PASSWORD_FILE");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        // Without user_id, claiming to be the listed producer on its 5th attempt: refused, attempt 1,
        // and the dead letter carries no producer at all (today's copy kept the forged one).
        var unsigned = "t-" + Guid.NewGuid().ToString("N");
        await PublishAsync(channel, routingKey, Enrollment(unsigned, "jdoe"), userId: null, new Dictionary<string, object?>
        {
            [MessageHeaders.Producer] = Encoding.UTF8.GetBytes(idm),
            [MessageHeaders.Attempt] = 5,
            ["x-shrtok-note"] = "forged"u8.ToArray(),
            ["x-custom"] = "kept"u8.ToArray(),
        });
        var refused = await worker.ResultAsync(unsigned);
        Assert.Equal((ResultStatus.Failed, ErrorCodes.Forbidden, 1), (refused.Status, refused.Error!.Code, refused.Attempts));
        var letter = await worker.DeadLetterHeadersAsync(body => body.Contains(unsigned, StringComparison.Ordinal));
        Assert.False(letter.ContainsKey(MessageHeaders.Producer), $"x-shrtok-producer on the dead letter: {letter.GetValueOrDefault(MessageHeaders.Producer)}");
        Assert.False(letter.ContainsKey("x-shrtok-note"));
        Assert.Equal("1", letter[MessageHeaders.Attempt]);
        Assert.Equal(ErrorCodes.Forbidden, letter[MessageHeaders.ErrorCode]);
        Assert.Equal("kept", letter["x-custom"]);

        // With its own user_id, claiming another producer on its 7th attempt: judged (and recorded) as
        // the broker-validated user, first attempt.
        var signed = "t-" + Guid.NewGuid().ToString("N");
        var unknownUid = "nobody-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(channel, routingKey, Enrollment(signed, unknownUid), userId: idm, new Dictionary<string, object?>
        {
            [MessageHeaders.Producer] = "someone-else"u8.ToArray(),
            [MessageHeaders.Attempt] = 7,
        });
        var failed = await worker.ResultAsync(signed);
        Assert.Equal((ErrorCodes.UnknownUid, 1), (failed.Error!.Code, failed.Attempts));
        var second = await worker.DeadLetterHeadersAsync(body => body.Contains(signed, StringComparison.Ordinal));
        Assert.Equal(idm, second[MessageHeaders.Producer]);
        Assert.Equal("1", second[MessageHeaders.Attempt]);
    }

    private static string Enrollment(string requestId, string uid) =>
        $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{requestId}\",\"uid\":\"{uid}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"a@b\"}}}}";

    private static async Task PublishAsync(IChannel channel, string routingKey, string body, string? userId, Dictionary<string, object?> headers)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            UserId = userId,
            Headers = headers,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
        };
        await channel.BasicPublishAsync(DefaultNames.RequestsExchange, routingKey, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }
}
