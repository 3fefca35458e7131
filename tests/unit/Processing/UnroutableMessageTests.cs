using System.Text;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// Messages the broker returns (published mandatory, no queue bound): a notice fails its attempt with
/// notice-unroutable, retried, then fails the request, and the outcome says a token was written whose
/// notice went nowhere; a returned retry or dead-letter copy is never acknowledged. And bodies past the
/// request limit, which the adapter hands over as an excerpt only.
/// </summary>
public sealed class UnroutableMessageTests : IDisposable
{
    private readonly ProcessingRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task A_returned_notice_is_retried_as_notice_unroutable()
    {
        _rig.Publisher.ReturnNotices();

        var delivery = await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice returned", "directory.restore-enrollment uid=jdoe",
            "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        Assert.Empty(_rig.Publisher.Results);
        Assert.False(_rig.Breakers.AnyOpen);
    }

    [Fact]
    public async Task The_outcome_of_a_returned_notice_says_which_token_was_written_without_its_notice()
    {
        _rig.Publisher.ReturnNotices();
        JobOutcome? outcome = null;

        await _rig.Processor.ProcessAsync(Deliveries.Enrollment("req-1", "jdoe"), _rig.NewDelivery(), 1, o => { outcome = o; return Task.CompletedTask; }, CancellationToken.None);

        Assert.NotNull(outcome);
        Assert.Equal((OutcomeKind.TransientFailure, ErrorCodes.NoticeUnroutable), (outcome.Kind, outcome.Code));
        Assert.Equal(FakeDirectory.UserDn("jdoe"), outcome.Dn);
        Assert.Equal(FakeDirectory.UserDn("jdoe"), outcome.UndeliveredNotice?.Dn);
        Assert.Matches("^[0-9a-f]{64}$", outcome.UndeliveredNotice?.TokenSha256);
        // The user had no token before: taking the write back leaves none.
        Assert.False(_rig.Directory.Tokens.ContainsKey("uid=jdoe"));
    }

    [Fact]
    public async Task A_returned_notice_puts_back_the_token_whose_passphrase_was_delivered()
    {
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));
        var delivered = _rig.Directory.Tokens["uid=jdoe"];
        _rig.Publisher.ReturnNotices();

        await _rig.RunAsync(Deliveries.Enrollment("req-2", "jdoe"));

        Assert.Equal(delivered, _rig.Directory.Tokens["uid=jdoe"]);
        Assert.Contains("directory.restore-enrollment uid=jdoe", _rig.Events.Snapshot());
    }

    [Fact]
    public async Task A_revocation_whose_notice_is_returned_puts_back_the_previous_revocation_token()
    {
        await _rig.RunAsync(Deliveries.Revocation("rev-1", "6699"));
        var delivered = _rig.Directory.Tokens["serial=6699"];
        _rig.Publisher.ReturnNotices();

        await _rig.RunAsync(Deliveries.Revocation("rev-2", "0x1A2B"));

        Assert.Equal(delivered, _rig.Directory.Tokens["serial=6699"]);
        Assert.Contains("directory.restore-revocation serial=6699", _rig.Events.Snapshot());
    }

    [Fact]
    public async Task A_notice_merely_unconfirmed_may_have_gone_out_so_its_token_stays()
    {
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));
        var delivered = _rig.Directory.Tokens["uid=jdoe"];
        _rig.Publisher.FailNotices();

        await _rig.RunAsync(Deliveries.Enrollment("req-2", "jdoe"));

        Assert.NotEqual(delivered, _rig.Directory.Tokens["uid=jdoe"]);
        Assert.DoesNotContain(_rig.Events.Snapshot(), e => e.StartsWith("directory.restore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unconfirmed_notice_is_broker_unavailable_and_also_names_the_token_written()
    {
        _rig.Publisher.FailNotices();
        JobOutcome? outcome = null;

        await _rig.Processor.ProcessAsync(Deliveries.Enrollment("req-1", "jdoe"), _rig.NewDelivery(), 1, o => { outcome = o; return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal(ErrorCodes.BrokerUnavailable, outcome?.Code);
        Assert.Equal(FakeDirectory.UserDn("jdoe"), outcome?.UndeliveredNotice?.Dn);
    }

    [Fact]
    public async Task A_completed_request_has_no_undelivered_notice()
    {
        JobOutcome? outcome = null;

        await _rig.Processor.ProcessAsync(Deliveries.Enrollment("req-1", "jdoe"), _rig.NewDelivery(), 1, o => { outcome = o; return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal(OutcomeKind.Completed, outcome?.Kind);
        Assert.Null(outcome?.UndeliveredNotice);
    }

    [Fact]
    public async Task A_notice_returned_at_the_last_attempt_fails_the_request_with_notice_unroutable()
    {
        var message = Deliveries.Enrollment("req-1", "jdoe");
        _rig.Publisher.ReturnNotices(_rig.Retry.MaxAttempts);

        await _rig.RunAsync(message);
        await _rig.RunAsync(Deliveries.WorkerCopy(message, 2));
        _rig.Events.Clear();
        var last = await _rig.RunAsync(Deliveries.WorkerCopy(message, _rig.Retry.MaxAttempts));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice returned", "directory.restore-enrollment uid=jdoe",
            "publish.result failed code=notice-unroutable", "deadletter code=notice-unroutable", "ack"], _rig.Events.Snapshot());
        // Every attempt took its own token back: the user has none whose passphrase nobody got.
        Assert.False(_rig.Directory.Tokens.ContainsKey("uid=jdoe"));
        Assert.Equal(1, last.Acks);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Contains($"gave up after {_rig.Retry.MaxAttempts} attempts", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(FakeDirectory.UserDn("jdoe"), result.Dn);
    }

    [Fact]
    public async Task A_returned_retry_copy_is_not_acked_but_handed_back()
    {
        _rig.Delayed.Return = true;
        _rig.Directory.FailNext(new DirectoryException(DirectoryFailure.Unavailable, "The directory is down."));

        var delivery = await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["delayed returned", "handback"], _rig.Events.Snapshot().TakeLast(2));
        Assert.Equal((0, 1), (delivery.Acks, delivery.HandBacks));
    }

    [Fact]
    public async Task A_returned_dead_letter_is_not_acked_but_handed_back()
    {
        _rig.DeadLetters.Return = true;

        var delivery = await _rig.RunAsync(Deliveries.Of("{}", messageId: "m-1"));

        Assert.Equal(["publish.result failed code=invalid-request", "deadletter returned", "handback"], _rig.Events.Snapshot());
        Assert.Equal((0, 1), (delivery.Acks, delivery.HandBacks));
    }

    [Fact]
    public async Task An_oversized_body_is_refused_unread_with_its_real_size_and_dead_lettered_as_an_excerpt()
    {
        var excerpt = Encoding.UTF8.GetBytes("{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"big-1\",\"pad\":\"xxxx");
        var message = new InboundMessage
        {
            Lane = SharedSecretWorker.Contracts.Requests.Lane.Interactive,
            Queue = "shrtok.requests.interactive",
            RoutingKey = "enrollment",
            Body = excerpt,
            OriginalBodySize = 70_000,
            MessageId = "big-1",
            CorrelationId = "corr-1",
        };

        var delivery = await _rig.RunAsync(message);

        Assert.Equal(["publish.result failed code=invalid-request", "deadletter code=invalid-request", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal("big-1", result.RequestId);
        Assert.Contains("70000 bytes", result.Error!.Message, StringComparison.Ordinal);
        var (letter, _) = Assert.Single(_rig.DeadLetters.Letters);
        Assert.Same(message, letter);
        Assert.Equal(70_000, letter.BodySize);
    }
}
