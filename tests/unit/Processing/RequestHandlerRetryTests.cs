using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// Transient failures: a delayed copy carrying the next attempt (then ack, no result) until the last
/// attempt, which fails the request for good; which breaker hears of it; which attempt header counts.
/// The rig allows three attempts (delays 10 s and 20 s).
/// </summary>
public sealed class RequestHandlerRetryTests : IDisposable
{
    private static DirectoryException Unavailable => new(DirectoryFailure.Unavailable, "Server down (test).", FakeDirectory.UserDn("jdoe"), 81);

    private readonly ProcessingRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task A_transient_directory_failure_on_the_first_attempt_schedules_attempt_2_then_acks_without_a_result()
    {
        _rig.Directory.FailNext(Unavailable);
        var message = Deliveries.Enrollment("req-1", "jdoe");

        var delivery = await _rig.RunAsync(message);

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());
        Assert.Equal((1, 0), (delivery.Acks, delivery.HandBacks));
        Assert.Empty(_rig.Publisher.Results);
        Assert.Empty(_rig.Publisher.Notices);
        Assert.Empty(_rig.DeadLetters.Letters);
        var copy = Assert.Single(_rig.Delayed.Copies);
        Assert.Same(message, copy.Message);
        Assert.Equal((0, TimeSpan.FromSeconds(10), 2, Deliveries.Producer), (copy.Step, copy.Delay, copy.NextAttempt, copy.Producer));
        Assert.True(_rig.Breakers.Directory.IsOpen);
        Assert.False(_rig.Breakers.Hsm.IsOpen);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(2L)]
    [InlineData(new byte[] { (byte)'2' })]
    public async Task A_worker_copy_at_a_middle_attempt_schedules_the_next_step_for_the_original_producer(object attempt)
    {
        _rig.Directory.FailNext(Unavailable);

        await _rig.RunAsync(Deliveries.WorkerCopy(Deliveries.Enrollment(), attempt, producer: Deliveries.Producer));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "delayed step=1 attempt=3", "ack"], _rig.Events.Snapshot());
        var copy = Assert.Single(_rig.Delayed.Copies);
        Assert.Equal((TimeSpan.FromSeconds(20), Deliveries.Producer), (copy.Delay, copy.Producer));
    }

    [Fact]
    public async Task On_the_last_attempt_a_transient_failure_gives_up_with_a_failed_result_and_a_dead_letter()
    {
        Assert.Equal(3, _rig.Retry.MaxAttempts);
        _rig.Directory.FailNext(Unavailable);

        var delivery = await _rig.RunAsync(Deliveries.WorkerCopy(Deliveries.Enrollment("req-1"), _rig.Retry.MaxAttempts));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.result failed code=directory-unavailable", "deadletter code=directory-unavailable", "ack"],
            _rig.Events.Snapshot());
        Assert.Equal((1, 0), (delivery.Acks, delivery.HandBacks));
        Assert.Empty(_rig.Delayed.Copies);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal(("req-1", ResultStatus.Failed, 3, FakeDirectory.UserDn("jdoe")), (result.RequestId, result.Status, result.Attempts, result.Dn));
        Assert.Contains("gave up after 3 attempts", result.Error!.Message, StringComparison.Ordinal);
        var (_, reason) = Assert.Single(_rig.DeadLetters.Letters);
        Assert.Equal((ErrorCodes.DirectoryUnavailable, 3, Deliveries.Producer), (reason.Code, reason.Attempt, reason.Producer));
        Assert.Contains("gave up", reason.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DirectoryFailure.Unavailable, true)]
    [InlineData(DirectoryFailure.AuthenticationFailed, true)]
    [InlineData(DirectoryFailure.Misconfigured, true)]
    [InlineData(DirectoryFailure.Conflict, false)]
    public async Task Transient_and_worker_side_directory_failures_are_retried_and_outages_open_the_directory_breaker(DirectoryFailure failure, bool opens)
    {
        _rig.Directory.FailNext(new DirectoryException(failure, $"{failure} (test)."));

        await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());
        Assert.Equal(opens, _rig.Breakers.Directory.IsOpen);
        Assert.False(_rig.Breakers.Hsm.IsOpen);
    }

    [Fact]
    public async Task An_unavailable_HSM_is_transient_tells_the_HSM_breaker_and_writes_nothing()
    {
        _rig.Hsm.FailNext(new HsmUnavailableException("CKR_DEVICE_REMOVED (test)."));

        var delivery = await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["hsm.encrypt", "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        Assert.Equal(0, _rig.Directory.Calls);
        Assert.Empty(_rig.Publisher.Results);
        Assert.True(_rig.Breakers.Hsm.IsOpen);
        Assert.False(_rig.Breakers.Directory.IsOpen);
    }

    [Fact]
    public async Task An_unavailable_HSM_on_the_last_attempt_is_hsm_unavailable()
    {
        _rig.Hsm.FailNext(new HsmUnavailableException("No session free (test)."));

        await _rig.RunAsync(Deliveries.WorkerCopy(Deliveries.Enrollment(), _rig.Retry.MaxAttempts));

        Assert.Equal(["hsm.encrypt", "publish.result failed code=hsm-unavailable", "deadletter code=hsm-unavailable", "ack"], _rig.Events.Snapshot());
    }

    [Fact]
    public async Task An_unconfirmed_notice_is_transient_no_stored_result_goes_out_and_the_retry_issues_anew()
    {
        _rig.Publisher.FailNotices();
        var message = Deliveries.Enrollment("req-1", "jdoe");

        var delivery = await _rig.RunAsync(message);

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice unconfirmed", "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        Assert.Empty(_rig.Publisher.Results);
        Assert.False(_rig.Breakers.AnyOpen);

        // The retry is not a duplicate: it makes a new token and its notice opens to it.
        _rig.Events.Clear();
        await _rig.RunAsync(Deliveries.WorkerCopy(message, 2));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
        Assert.Equal(2, Assert.Single(_rig.Publisher.Results).Attempts);
        Assert.Equal(2, _rig.Hsm.Passphrases.Count);
        Assert.Equal(FakeTokenEncryptor.Decrypt(_rig.Directory.Tokens["uid=jdoe"]), _rig.Unseal(Assert.Single(_rig.Publisher.Notices)));
    }

    [Fact]
    public async Task An_unconfirmed_stored_result_is_transient_too()
    {
        _rig.Publisher.FailResults();

        await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result unconfirmed", "delayed step=0 attempt=2", "ack"],
            _rig.Events.Snapshot());
    }

    [Fact]
    public async Task An_unexpected_exception_is_retried_as_internal_error_and_reported_by_type_at_the_end()
    {
        _rig.Directory.FailNext(new InvalidOperationException("boom"));
        await _rig.RunAsync(Deliveries.Enrollment());
        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());

        _rig.Events.Clear();
        _rig.Directory.FailNext(new InvalidOperationException("boom"));
        await _rig.RunAsync(Deliveries.WorkerCopy(Deliveries.Enrollment(), _rig.Retry.MaxAttempts));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.result failed code=internal-error", "deadletter code=internal-error", "ack"],
            _rig.Events.Snapshot());
        Assert.Contains("InvalidOperationException", Assert.Single(_rig.Publisher.Results).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_producers_attempt_header_is_ignored_so_its_message_counts_as_attempt_1()
    {
        _rig.Directory.FailNext(Unavailable);
        var forged = Deliveries.WithHeaders(Deliveries.Enrollment(), new()
        {
            [MessageHeaders.Attempt] = 5,
            [MessageHeaders.Producer] = "root"u8.ToArray(),
        });

        await _rig.RunAsync(forged);

        // Trusted, attempt 5 of 3 would have given up at once.
        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());
        Assert.Equal(Deliveries.Producer, Assert.Single(_rig.Delayed.Copies).Producer);
    }

    [Fact]
    public async Task A_producers_attempt_header_does_not_change_the_attempts_of_its_result()
    {
        await _rig.RunAsync(Deliveries.WithHeaders(Deliveries.Enrollment(), new() { [MessageHeaders.Attempt] = 5 }));

        Assert.Equal(1, Assert.Single(_rig.Publisher.Results).Attempts);
    }

    [Fact]
    public async Task A_worker_copys_attempt_header_is_trusted()
    {
        await _rig.RunAsync(Deliveries.WorkerCopy(Deliveries.Enrollment(), 2));

        Assert.Equal(2, Assert.Single(_rig.Publisher.Results).Attempts);
    }

    [Fact]
    public async Task Jitter_only_shortens_the_delay()
    {
        using var rig = new ProcessingRig(jitter: 0.5);
        for (var i = 0; i < 20; i++)
        {
            rig.Hsm.FailNext(new HsmUnavailableException("busy (test)."));
            await rig.RunAsync(Deliveries.Enrollment($"req-{i}"));
        }

        var delays = rig.Delayed.Copies.Select(c => c.Delay).ToArray();
        Assert.Equal(20, delays.Length);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)));
        Assert.True(delays.Distinct().Count() > 1, "the jitter varies per message");
    }
}
