using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// The copies on the dead-letter exchange: a request the broker dead-lettered at a lane's delivery
/// limit gets a failed result (delivery-limit-reached) with what its body tells; the worker's own
/// dead letters, which had their result already, and other broker dead letters get nothing.
/// </summary>
public sealed class DeliveryLimitReporterTests : IDisposable
{
    private readonly ProcessingRig _rig = new();
    private readonly DeliveryLimitReporter _reporter;

    public DeliveryLimitReporterTests() =>
        _reporter = new DeliveryLimitReporter(_rig.Parser, _rig.Publisher, _rig.Producers, _rig.Addresses, _rig.Time, NullLogger<DeliveryLimitReporter>.Instance);

    public void Dispose() => _rig.Dispose();

    private static Dictionary<string, object?> Death(string reason, string queue = "shrtok.requests.bulk") => new()
    {
        ["x-death"] = new List<object?>
        {
            new Dictionary<string, object?>
            {
                ["queue"] = Encoding.UTF8.GetBytes(queue),
                ["reason"] = Encoding.UTF8.GetBytes(reason),
                ["count"] = 1L,
                ["exchange"] = Encoding.UTF8.GetBytes("shrtok.requests"),
            },
        },
    };

    private static InboundMessage Batched() => Deliveries.Of(
        """{"version": 1, "kind": "enrollment", "requestId": "row-7", "batchId": "onboarding", "uid": "jdoe", "delivery": {"channel": "email", "address": "jdoe@example.com"}}""");

    [Fact]
    public async Task A_request_dead_lettered_at_the_delivery_limit_gets_a_failed_result_with_its_id_kind_and_batch()
    {
        var message = Deliveries.WithHeaders(Batched(), Death("delivery_limit"));

        Assert.True(await _reporter.ReportAsync(message, CancellationToken.None));

        Assert.Equal(["publish.result failed code=delivery-limit-reached"], _rig.Events.Snapshot());
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal(("row-7", "onboarding", RequestKind.Enrollment, "jdoe", 1), (result.RequestId, result.BatchId, result.Kind, result.Uid, result.Attempts));
        Assert.Contains("shrtok.requests.bulk", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_request_dead_lettered_at_the_delivery_limit_is_reported_under_its_message_id()
    {
        var message = Deliveries.WithHeaders(Deliveries.Of("not json", messageId: "m-9"), Death("delivery_limit"));

        Assert.True(await _reporter.ReportAsync(message, CancellationToken.None));

        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal(("m-9", ErrorCodes.DeliveryLimitReached, "unknown.failed"), (result.RequestId, result.Error?.Code, result.RoutingKey()));
    }

    [Fact]
    public async Task A_worker_retry_copy_at_the_delivery_limit_reports_its_attempt()
    {
        var copy = Deliveries.WorkerCopy(Batched(), 3);
        var headers = new Dictionary<string, object?>(copy.Headers);
        foreach (var (key, value) in Death("delivery_limit")) headers[key] = value;
        var message = new InboundMessage
        {
            Lane = copy.Lane, Queue = copy.Queue, RoutingKey = copy.RoutingKey, Body = copy.Body,
            UserId = copy.UserId, IsWorkerCopy = true, Headers = headers,
        };

        Assert.True(await _reporter.ReportAsync(message, CancellationToken.None));

        Assert.Equal(3, Assert.Single(_rig.Publisher.Results).Attempts);
    }

    [Fact]
    public async Task The_workers_own_dead_letter_gets_no_second_result()
    {
        var headers = Death("expired", "shrtok.retry.interactive.1000");
        headers[MessageHeaders.ErrorCode] = Encoding.UTF8.GetBytes(ErrorCodes.DirectoryUnavailable);
        var own = Deliveries.WithHeaders(Batched(), headers);
        var ownAfterDeliveryLimitReplay = Deliveries.WithHeaders(Batched(), new Dictionary<string, object?>(Death("delivery_limit"))
        {
            [MessageHeaders.ErrorCode] = Encoding.UTF8.GetBytes(ErrorCodes.InvalidRequest),
        });

        Assert.False(await _reporter.ReportAsync(own, CancellationToken.None));
        Assert.False(await _reporter.ReportAsync(ownAfterDeliveryLimitReplay, CancellationToken.None));
        Assert.Empty(_rig.Events.Snapshot());
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("rejected")]
    [InlineData("maxlen")]
    public async Task Other_broker_dead_letters_get_no_result(string reason)
    {
        Assert.False(await _reporter.ReportAsync(Deliveries.WithHeaders(Batched(), Death(reason)), CancellationToken.None));
        Assert.False(await _reporter.ReportAsync(Batched(), CancellationToken.None));
        Assert.Empty(_rig.Publisher.Results);
    }

    [Fact]
    public async Task An_unconfirmed_result_throws_so_that_the_copy_is_handed_back()
    {
        _rig.Publisher.FailResults();

        await Assert.ThrowsAsync<BrokerUnavailableException>(() =>
            _reporter.ReportAsync(Deliveries.WithHeaders(Batched(), Death("delivery_limit")), CancellationToken.None));
    }
}
