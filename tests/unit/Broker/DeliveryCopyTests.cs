using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using SharedSecretWorker.Broker;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Broker;

/// <summary>
/// The worker's own headers (<c>x-shrtok-*</c>) are kept only on its own copies: on anything a producer
/// sent they are dropped where the delivery is copied, so a forged one reaches neither processing nor
/// the retry and dead-letter copies made from it.
/// </summary>
public sealed class DeliveryCopyTests
{
    private const string WorkerUser = "shrtok-worker";

    private static BasicDeliverEventArgs Delivery(string? userId) => new(
        "consumer-1", 7, false, "shrtok.requests", "enrollment",
        new BasicProperties
        {
            UserId = userId,
            MessageId = "req-1",
            Headers = new Dictionary<string, object?>
            {
                [MessageHeaders.Producer] = "someone-else"u8.ToArray(),
                [MessageHeaders.Attempt] = 7,
                [MessageHeaders.ErrorCode] = "forbidden"u8.ToArray(),
                ["X-Shrtok-Note"] = "upper case too"u8.ToArray(),
                ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray(),
                ["x-custom"] = "kept"u8.ToArray(),
            },
        },
        Encoding.UTF8.GetBytes("{}"));

    [Theory]
    [InlineData("shrtok-idm")]
    [InlineData(null)]
    public void A_producers_message_loses_every_x_shrtok_header_and_keeps_the_rest(string? userId)
    {
        var message = DeliveryCopy.From(new RequestQueue(Lane.Interactive, "shrtok.requests.interactive.p00", 0), Delivery(userId), WorkerUser);

        Assert.False(message.IsWorkerCopy);
        Assert.Equal(["traceparent", "x-custom"], message.Headers.Keys.Order(StringComparer.Ordinal));
        Assert.Null(message.HeaderText(MessageHeaders.Producer));
        Assert.Null(message.HeaderNumber(MessageHeaders.Attempt));
    }

    [Fact]
    public void The_workers_own_copy_keeps_its_headers()
    {
        var message = DeliveryCopy.From(new RequestQueue(Lane.Interactive, "shrtok.requests.interactive.p00", 0), Delivery(WorkerUser), WorkerUser);

        Assert.True(message.IsWorkerCopy);
        Assert.Equal("someone-else", message.HeaderText(MessageHeaders.Producer));
        Assert.Equal(7, message.HeaderNumber(MessageHeaders.Attempt));
        Assert.Equal(6, message.Headers.Count);
    }
}
