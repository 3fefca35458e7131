using System.Text.RegularExpressions;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// Every outcome of one attempt, through the handler the broker adapter calls: which calls the HSM,
/// the directory and the publisher get, in which order, and how the delivery is settled.
/// </summary>
public sealed partial class RequestHandlerOutcomeTests : IDisposable
{
    private readonly ProcessingRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task An_enrollment_encrypts_writes_the_directory_then_publishes_notice_then_result_then_acks()
    {
        var delivery = await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
        Assert.Equal((1, 0), (delivery.Acks, delivery.HandBacks));

        var token = _rig.Directory.Tokens["uid=jdoe"];
        var notice = Assert.Single(_rig.Publisher.Notices);
        var result = Assert.Single(_rig.Publisher.Results);
        var dn = FakeDirectory.UserDn("jdoe");
        Assert.Equal(("req-1", RequestKind.Enrollment, dn, "jdoe", (string?)null), (notice.RequestId, notice.Kind, notice.Dn, notice.Uid, notice.Serial));
        Assert.Equal(new DeliveryTarget(ProcessingRig.Channel, Deliveries.Address), notice.Delivery);
        Assert.Equal(_rig.Time.GetUtcNow(), notice.IssuedAt);
        Assert.Equal(TokenDigest.Sha256Hex(token), notice.TokenSha256);
        Assert.Equal(("req-1", ResultStatus.Stored, dn, "jdoe", 1, (ResultError?)null), (result.RequestId, result.Status, result.Dn, result.Uid, result.Attempts, result.Error));
        Assert.Equal(notice.TokenSha256, result.TokenSha256);

        // The passphrase in the notice is the one the directory's token holds, and the one given to the HSM.
        var passphrase = _rig.Unseal(notice);
        Assert.Equal(FakeTokenEncryptor.Decrypt(token), passphrase);
        Assert.Equal(passphrase, Assert.Single(_rig.Hsm.Passphrases));
        Assert.Matches(GeneratedPassphrase(), passphrase);
        Assert.False(_rig.Breakers.AnyOpen);
        Assert.Equal(0, _rig.Locks.Count);
    }

    [Fact]
    public async Task A_revocation_writes_the_serials_record_in_decimal_and_its_notice_opens_to_that_token()
    {
        await _rig.RunAsync(Deliveries.Revocation("rev-1", "0x1A2B"));

        Assert.Equal(["hsm.encrypt", "directory.store-revocation serial=6699", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
        var token = _rig.Directory.Tokens["serial=6699"];
        var notice = Assert.Single(_rig.Publisher.Notices);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal((RequestKind.Revocation, FakeDirectory.SerialDn("6699"), "6699", (string?)null), (notice.Kind, notice.Dn, notice.Serial, notice.Uid));
        Assert.Equal((RequestKind.Revocation, ResultStatus.Stored, "6699", TokenDigest.Sha256Hex(token)), (result.Kind, result.Status, result.Serial, result.TokenSha256));
        Assert.Equal(FakeTokenEncryptor.Decrypt(token), _rig.Unseal(notice));
    }

    [Fact]
    public async Task A_clear_by_uid_removes_the_token_without_HSM_or_notice()
    {
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));
        _rig.Events.Clear();
        var randomBefore = _rig.Hsm.RandomCalls;

        var delivery = await _rig.RunAsync(Deliveries.ClearUid("clr-1", "jdoe"));

        Assert.Equal(["directory.clear-enrollment uid=jdoe", "publish.result cleared", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        Assert.False(_rig.Directory.Tokens.ContainsKey("uid=jdoe"));
        Assert.Equal(randomBefore, _rig.Hsm.RandomCalls);
        Assert.Single(_rig.Publisher.Notices);
        var result = _rig.Publisher.Results[^1];
        Assert.Equal(("clr-1", RequestKind.Clear, ResultStatus.Cleared, FakeDirectory.UserDn("jdoe"), "jdoe", (string?)null),
            (result.RequestId, result.Kind, result.Status, result.Dn, result.Uid, result.TokenSha256));
    }

    [Fact]
    public async Task A_clear_by_serial_removes_the_revocation_token_without_HSM_or_notice()
    {
        var delivery = await _rig.RunAsync(Deliveries.ClearSerial("clr-2", "0x1A2B"));

        Assert.Equal(["directory.clear-revocation serial=6699", "publish.result cleared", "ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        Assert.Equal(0, _rig.Hsm.RandomCalls);
        Assert.Empty(_rig.Publisher.Notices);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal((ResultStatus.Cleared, FakeDirectory.SerialDn("6699"), "6699"), (result.Status, result.Dn, result.Serial));
    }

    [Theory]
    [InlineData("not json at all", "m-1")]
    [InlineData("""{"version": 1, "kind": "enrollment", "requestId": "r-7", "delivery": {"channel": "email", "address": "a@b"}}""", "r-7")]
    [InlineData("""{"version": 2, "kind": "enrollment", "requestId": "r-7", "uid": "jdoe"}""", "r-7")]
    [InlineData("", "m-1")]
    public async Task An_invalid_body_is_reported_failed_and_dead_lettered_without_touching_HSM_or_directory(string body, string requestId)
    {
        var delivery = await _rig.RunAsync(Deliveries.Of(body, messageId: "m-1"));

        Assert.Equal(["publish.result failed code=invalid-request", "deadletter code=invalid-request", "ack"], _rig.Events.Snapshot());
        Assert.Equal((1, 0), (delivery.Acks, delivery.HandBacks));
        Assert.Equal(0, _rig.Hsm.RandomCalls);
        Assert.Equal(0, _rig.Directory.Calls);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal((ResultStatus.Failed, ErrorCodes.InvalidRequest, 1), (result.Status, result.Error!.Code, result.Attempts));
        Assert.Equal(requestId, result.RequestId);
        var (message, reason) = Assert.Single(_rig.DeadLetters.Letters);
        Assert.Equal((ErrorCodes.InvalidRequest, 1, Deliveries.Producer), (reason.Code, reason.Attempt, reason.Producer));
        Assert.Equal(body, System.Text.Encoding.UTF8.GetString(message.Body));
        Assert.DoesNotContain("gave up", reason.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_channel_without_a_certificate_is_unknown_channel()
    {
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe", channel: "fax"));

        Assert.Equal(["publish.result failed code=unknown-channel", "deadletter code=unknown-channel", "ack"], _rig.Events.Snapshot());
        Assert.Equal(0, _rig.Hsm.RandomCalls);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal(("req-1", RequestKind.Enrollment, ErrorCodes.UnknownChannel), (result.RequestId, result.Kind, result.Error!.Code));
    }

    [Fact]
    public async Task An_unknown_uid_fails_for_good_without_a_notice()
    {
        var dn = FakeDirectory.UserDn("jdoe");
        _rig.Directory.FailNext(new DirectoryException(DirectoryFailure.UnknownUid, "No entry has uid jdoe.", dn));

        var delivery = await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.result failed code=unknown-uid", "deadletter code=unknown-uid", "ack"],
            _rig.Events.Snapshot());
        Assert.Equal((1, 0), (delivery.Acks, delivery.HandBacks));
        Assert.Empty(_rig.Publisher.Notices);
        Assert.Empty(_rig.Delayed.Copies);
        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal(("req-1", ErrorCodes.UnknownUid, "No entry has uid jdoe.", dn, 1), (result.RequestId, result.Error!.Code, result.Error.Message, result.Dn, result.Attempts));
        var (_, reason) = Assert.Single(_rig.DeadLetters.Letters);
        Assert.Equal((ErrorCodes.UnknownUid, 1), (reason.Code, reason.Attempt));
        Assert.DoesNotContain("gave up", reason.Reason, StringComparison.Ordinal);
        Assert.False(_rig.Breakers.AnyOpen);
    }

    [Theory]
    [InlineData(DirectoryFailure.InvalidUid, ErrorCodes.InvalidRequest)]
    [InlineData(DirectoryFailure.AmbiguousUid, ErrorCodes.AmbiguousUid)]
    [InlineData(DirectoryFailure.Forbidden, ErrorCodes.Forbidden)]
    [InlineData(DirectoryFailure.Rejected, ErrorCodes.DirectoryRejected)]
    public async Task Permanent_directory_failures_map_to_their_code_and_are_dead_lettered_at_once(DirectoryFailure failure, string code)
    {
        _rig.Directory.FailNext(new DirectoryException(failure, $"{failure} (test)."));

        await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", $"publish.result failed code={code}", $"deadletter code={code}", "ack"],
            _rig.Events.Snapshot());
        Assert.Empty(_rig.Publisher.Notices);
        Assert.False(_rig.Breakers.AnyOpen);
    }

    [Fact]
    public async Task An_unknown_serial_fails_for_good()
    {
        _rig.Directory.FailNext(new DirectoryException(DirectoryFailure.UnknownSerial, "No record cn=6699."));

        await _rig.RunAsync(Deliveries.Revocation("rev-1", "6699"));

        Assert.Equal(["hsm.encrypt", "directory.store-revocation serial=6699", "publish.result failed code=unknown-serial", "deadletter code=unknown-serial", "ack"],
            _rig.Events.Snapshot());
        Assert.Equal("6699", Assert.Single(_rig.Publisher.Results).Serial);
    }

    [Fact]
    public async Task A_token_engine_fault_is_the_workers_it_opens_the_HSM_breaker_naming_the_fault_and_the_request_waits()
    {
        // Issue 14: a refused PIN, a missing key label or an unloadable module failed every request
        // for good (hsm-error, dead letter). Nothing of a request reaches the HSM: it is retried.
        _rig.Hsm.FailNext(new TokenEngineException("Hsm:PinFile: token 'shrtok' refused the user PIN (CKR_PIN_INCORRECT) (test).")
        {
            Problem = "PIN refused (CKR_PIN_INCORRECT); update Hsm:PinFile",
        });

        await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["hsm.encrypt", "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());
        Assert.Equal(0, _rig.Directory.Calls);
        Assert.Empty(_rig.Publisher.Results);
        Assert.Empty(_rig.DeadLetters.Letters);
        Assert.True(_rig.Breakers.Hsm.IsOpen);
        Assert.Equal("PIN refused (CKR_PIN_INCORRECT); update Hsm:PinFile", _rig.Breakers.Hsm.Fault);
        Assert.False(_rig.Breakers.Directory.IsOpen);
    }

    [Fact]
    public async Task Access_rules_that_no_longer_grant_the_write_open_the_directory_breaker_naming_the_ACI_and_the_request_waits()
    {
        // Issue 14: LDAP 50 after an ACI change failed every request for good (forbidden).
        var dn = FakeDirectory.UserDn("jdoe");
        const string problem = "insufficient access (LDAP 50) writing shrTok on 'uid=jdoe' as 'uid=shrtok-worker'; check the worker's ACI";
        _rig.Directory.FailNext(new DirectoryException(DirectoryFailure.InsufficientAccess, "Insufficient access (test).", dn, 50)
        {
            Attribute = "shrTok",
            Problem = problem,
        });

        await _rig.RunAsync(Deliveries.Enrollment());

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "delayed step=0 attempt=2", "ack"], _rig.Events.Snapshot());
        Assert.Empty(_rig.Publisher.Results);
        Assert.Empty(_rig.DeadLetters.Letters);
        Assert.True(_rig.Breakers.Directory.IsOpen);
        Assert.Equal(problem, _rig.Breakers.Directory.Fault);
        Assert.False(_rig.Breakers.Hsm.IsOpen);
    }

    [Fact]
    public async Task A_request_already_completed_is_acked_without_any_HSM_directory_or_publish_call()
    {
        var first = Deliveries.Enrollment("req-1", "jdoe");
        await _rig.RunAsync(first);
        _rig.Events.Clear();

        var delivery = await _rig.RunAsync(Deliveries.Redelivery(first));

        Assert.Equal(["ack"], _rig.Events.Snapshot());
        Assert.Equal(1, delivery.Acks);
        Assert.Single(_rig.Hsm.Passphrases);
        Assert.Equal(1, _rig.Directory.Calls);
        Assert.Single(_rig.Publisher.Notices);
        Assert.Single(_rig.Publisher.Results);
    }

    [Fact]
    public async Task The_duplicate_memory_is_by_request_id_not_by_target()
    {
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));
        _rig.Events.Clear();

        await _rig.RunAsync(Deliveries.Enrollment("req-2", "jdoe"));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
        // The second token replaced the first, and the last notice opens to it.
        Assert.Equal(FakeTokenEncryptor.Decrypt(_rig.Directory.Tokens["uid=jdoe"]), _rig.Unseal(_rig.Publisher.Notices[^1]));
    }

    [Fact]
    public async Task A_failed_request_is_not_remembered_so_sending_it_again_tries_afresh()
    {
        _rig.Directory.FailNext(new DirectoryException(DirectoryFailure.UnknownUid, "No entry has uid jdoe."));
        var message = Deliveries.Enrollment("req-1", "jdoe");
        await _rig.RunAsync(message);
        _rig.Events.Clear();

        await _rig.RunAsync(Deliveries.Redelivery(message));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack"], _rig.Events.Snapshot());
    }

    [GeneratedRegex("^[2-9A-HJ-NP-Z]{5}(-[2-9A-HJ-NP-Z]{5}){3}$")]
    private static partial Regex GeneratedPassphrase();
}
