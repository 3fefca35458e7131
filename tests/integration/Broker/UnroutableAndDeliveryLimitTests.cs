using System.Text;
using RabbitMQ.Client;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Integration.Processing;

namespace SharedSecretWorker.Tests.Integration.Broker;

/// <summary>
/// What the broker cannot route or gives up on, on the real RabbitMQ: a notice no hand-off queue
/// receives fails its request with its own code; a retry copy that no delay queue takes is not
/// acknowledged; a request the broker dead-letters at its delivery limit still gets a result.
/// </summary>
public sealed class UnroutableAndDeliveryLimitTests
{
    [Fact]
    public async Task A_request_whose_notice_no_queue_receives_fails_with_notice_unroutable_and_the_delivered_token_still_opens()
    {
        await using var worker = await WorkerUnderTest.StartAsync();
        // Only email has a hand-off queue: sms notices are returned by the broker.
        await worker.ObserveNoticesOnlyOfAsync("email");
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        // The user's passphrase went out by email: that token is the one the CA must keep reading.
        var delivered = await worker.EnrollAsync(uid, channel: "email");
        var deliveredNotice = await StoredEnrollment.AssertAsync(worker, directory, delivered, uid, KeyWrap.Pkcs1);

        var id = await worker.EnrollAsync(uid, channel: "sms");
        // Retried with the test's short delays (about 12 s in all).
        var result = await worker.ResultAsync(id, TimeSpan.FromSeconds(120));

        Assert.Equal(ResultStatus.Failed, result.Status);
        Assert.True(ErrorCodes.NoticeUnroutable == result.Error?.Code, result.Error?.Message);
        Assert.True(result.Attempts > 1, $"retried with the normal delays, but attempts = {result.Attempts}");
        Assert.Contains("gave up after", result.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(worker.NoticesOf(id));
        var letter = await worker.DeadLetterAsync(body => body.Contains(id, StringComparison.Ordinal));
        Assert.Equal(ErrorCodes.NoticeUnroutable, letter.Code);
        // Each attempt took its token back: the directory holds the delivered token, read as the CA
        // reads it, and the delivered passphrase still opens it.
        var token = Assert.Single(directory.EnrollmentTokens(uid));
        Assert.Equal(deliveredNotice.TokenSha256, TokenDigest.Sha256Hex(token));
        Assert.Equal(worker.OpenNotice(deliveredNotice), worker.DecryptToken(token, KeyWrap.Pkcs1));

        // A channel that has a queue still works.
        var ok = await worker.EnrollAsync(directory.CreatePerson(), channel: "email");
        Assert.Equal(ResultStatus.Stored, (await worker.ResultAsync(ok)).Status);
    }

    [Fact]
    public async Task A_retry_copy_no_delay_queue_takes_is_handed_back_until_the_broker_dead_letters_it_and_then_it_gets_a_delivery_limit_result()
    {
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?> { ["Topology:DeliveryLimit"] = "2" });
        await worker.ObserveNoticesOnlyOfAsync("email");
        // The first retry waits in the delay queue of the first delay (the test workers' 500 ms):
        // without it, a retry copy is unroutable.
        await worker.DeleteQueueAsync(worker.Prefix + ".delay.interactive.500");
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
