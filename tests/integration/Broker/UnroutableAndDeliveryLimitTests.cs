using System.Text;
using RabbitMQ.Client;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Broker;

/// <summary>
/// What the broker cannot route or gives up on, on the real RabbitMQ: a notice no hand-off queue
/// receives fails its request with its own code; a retry copy that no delay queue takes is not
/// acknowledged; a request the broker dead-letters at its delivery limit still gets a result.
/// </summary>
public sealed class UnroutableAndDeliveryLimitTests
{
    [Fact]
    public async Task A_request_whose_notice_no_queue_receives_fails_with_notice_unroutable_after_its_attempts()
    {
        await using var worker = await WorkerUnderTest.StartAsync();
        // Only email has a hand-off queue: sms notices are returned by the broker.
        await worker.ObserveNoticesOnlyOfAsync("email");
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();

        var id = await worker.EnrollAsync(uid, channel: "sms");
        // Retried with the normal delays: the test configuration's short ones come after the defaults
        // (the configuration binder appends to an array), about two and a half minutes in all.
        var result = await worker.ResultAsync(id, TimeSpan.FromSeconds(240));

        Assert.Equal(ResultStatus.Failed, result.Status);
        Assert.True(ErrorCodes.NoticeUnroutable == result.Error?.Code, result.Error?.Message);
        Assert.True(result.Attempts > 1, $"retried with the normal delays, but attempts = {result.Attempts}");
        Assert.Contains("gave up after", result.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(worker.NoticesOf(id));
        var letter = await worker.DeadLetterAsync(body => body.Contains(id, StringComparison.Ordinal));
        Assert.Equal(ErrorCodes.NoticeUnroutable, letter.Code);

        // A channel that has a queue still works.
        var ok = await worker.EnrollAsync(directory.CreatePerson(), channel: "email");
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(ok)).Status);
    }

    [Fact]
    public async Task A_retry_copy_no_delay_queue_takes_is_handed_back_until_the_broker_dead_letters_it_and_then_it_gets_a_delivery_limit_result()
    {
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?> { ["Topology:DeliveryLimit"] = "2" });
        await worker.ObserveNoticesOnlyOfAsync("email");
        // The first retry waits in the delay queue of the first delay (1 s): without it, a retry copy is unroutable.
        await worker.DeleteQueueAsync(worker.Prefix + ".retry.interactive.1000");
        using var directory = new DirectoryProbe();

        // The sms notice is unroutable (transient), its retry copy too: the delivery is handed back
        // each time, never acknowledged, until the lane queue's delivery limit makes the broker
        // dead-letter it; the worker then publishes its failed result.
        var id = await worker.EnrollAsync(directory.CreatePerson(), channel: "sms");
        var result = await worker.ResultAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal(ResultStatus.Failed, result.Status);
        Assert.Equal(ErrorCodes.DeliveryLimitReached, result.Error?.Code);
        Assert.Equal("enrollment.failed", result.RoutingKey());
        Assert.Equal(1, result.Attempts); // no attempt finished; each delivery was handed back
        var letter = await worker.DeadLetterCopyAsync(l => Encoding.UTF8.GetString(l.Body).Contains(id, StringComparison.Ordinal));
        Assert.Null(letter.Header(MessageHeaders.ErrorCode)); // the broker's dead letter, not the worker's
        Assert.StartsWith("delivery_limit", DeathReasons(letter), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_and_only_an_excerpt_with_its_size_is_dead_lettered()
    {
        await using var worker = await WorkerUnderTest.StartAsync();
        var id = "big-" + Guid.NewGuid().ToString("N");
        var body = Encoding.UTF8.GetBytes("{\"version\":1,\"pad\":\"" + new string('x', 70_000) + "\"}");

        await worker.PublishAsync("enrollment", body, new BasicProperties { MessageId = id, ContentType = "application/json" });
        var result = await worker.ResultAsync(id);

        Assert.Equal(ErrorCodes.InvalidRequest, result.Error?.Code);
        Assert.Contains($"{body.Length} bytes", result.Error!.Message, StringComparison.Ordinal);
        var letter = await worker.DeadLetterCopyAsync(l => l.MessageId == id);
        Assert.Equal(4096, letter.Body.Length);
        Assert.Equal(body.AsSpan(0, 4096).ToArray(), letter.Body);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), letter.Header(MessageHeaders.OriginalSize));
    }

    [Fact]
    public async Task A_dead_letter_keeps_the_requests_properties_even_without_a_request_id()
    {
        await using var worker = await WorkerUnderTest.StartAsync();
        var correlation = "corr-" + Guid.NewGuid().ToString("N");

        await worker.PublishAsync("enrollment", Encoding.UTF8.GetBytes("{}"), new BasicProperties
        {
            ContentType = "application/json",
            CorrelationId = correlation,
            ReplyTo = "idm.replies",
            AppId = "idm-app",
            Headers = new Dictionary<string, object?> { ["x-idm-ticket"] = "T-42" },
        });

        var letter = await worker.DeadLetterCopyAsync(l => l.CorrelationId == correlation);
        Assert.Equal("idm.replies", letter.ReplyTo);
        Assert.Equal("idm-app", letter.AppId);
        Assert.Equal("T-42", letter.Header("x-idm-ticket"));
        Assert.Equal(ErrorCodes.InvalidRequest, letter.Header(MessageHeaders.ErrorCode));
    }

    private static string DeathReasons(ObservedDeadLetter letter) =>
        letter.Headers.TryGetValue("x-death", out var value) && value is IEnumerable<object?> deaths
            ? string.Join(",", deaths.OfType<IDictionary<string, object?>>().Select(d => d.TryGetValue("reason", out var r) && r is byte[] b ? Encoding.UTF8.GetString(b) : ""))
            : "";
}
