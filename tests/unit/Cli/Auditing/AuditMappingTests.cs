using System.Text.Json;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using ShrTok.Auditing;
using ShrTok.Batching;
using static SharedSecretWorker.Tests.Unit.Cli.Auditing.AuditEntries;

namespace SharedSecretWorker.Tests.Unit.Cli.Auditing;

public sealed class AuditMappingTests
{
    private const string Xs = "xs:string";

    [Fact]
    public void A_stored_enrollment_is_an_issue_by_the_producer_to_the_users_entry()
    {
        var record = AuditMapping.Map(Of(StoredEnrollment()));

        Assert.Equal("shrtok-audit:1041", record.Id);
        Assert.Equal(Completed, record.EventTime);
        Assert.Equal("create/issue", record.Action);
        Assert.Equal("success", record.Outcome);
        Assert.Null(record.ReasonCode);
        Assert.Equal(new AuditParty("shrtok-idm", "service/security/account/user"), record.Initiator);
        Assert.Equal(new AuditParty(UserDn, "data/security/credential", "jdoe"), record.Target);
        Assert.Equal(new AuditParty("shrtok-worker", "service/security"), record.Observer);
        Assert.Equal("enrollment", record.Kind);
        Assert.Equal("idm-0419", record.RequestId);
        Assert.Null(record.BatchId);
        Assert.Equal("jdoe", record.Uid);
        Assert.Equal(TokenSha256, record.TokenSha256);
        Assert.Equal(
            [
                ("routingKey", Xs, "enrollment.stored"),
                ("requestId", Xs, "idm-0419"),
                ("kind", Xs, "enrollment"),
                ("uid", Xs, "jdoe"),
                ("tokenSha256", Xs, TokenSha256),
                ("channel", Xs, "email"),
                ("addressHmac", Xs, AddressHmac),
                ("attempts", "xs:int", "1"),
                ("streamOffset", "xs:long", "1041"),
            ],
            Attachments(record));
    }

    [Fact]
    public void A_stored_revocation_targets_the_certificate_record_named_by_its_serial()
    {
        var result = ResultMessage.Stored(Revocation, RecordDn, TokenSha256, 3, Completed) with { Channel = "sms", AddressHmac = AddressHmac };

        var record = AuditMapping.Map(Of(result, offset: 7));

        Assert.Equal("shrtok-audit:7", record.Id);
        Assert.Equal(("create/issue", "success"), (record.Action, record.Outcome));
        Assert.Equal(new AuditParty(RecordDn, "data/security/credential", "serial 6699"), record.Target);
        Assert.Equal("revocation", record.Kind);
        Assert.Equal("revoke-2026-12", record.BatchId);
        Assert.Null(record.Uid);
        Assert.Equal(
            [
                ("routingKey", Xs, "revocation.stored"),
                ("requestId", Xs, "idm-0420"),
                ("batchId", Xs, "revoke-2026-12"),
                ("kind", Xs, "revocation"),
                ("serial", Xs, "6699"),
                ("tokenSha256", Xs, TokenSha256),
                ("channel", Xs, "sms"),
                ("addressHmac", Xs, AddressHmac),
                ("attempts", "xs:int", "3"),
                ("streamOffset", "xs:long", "7"),
            ],
            Attachments(record));
    }

    [Fact]
    public void A_cleared_result_is_a_clear_by_the_producer()
    {
        var record = AuditMapping.Map(Of(ResultMessage.Cleared(ClearByUid, UserDn, 1, Completed)));

        Assert.Equal(("delete/clear", "success"), (record.Action, record.Outcome));
        Assert.Equal(new AuditParty("shrtok-idm", "service/security/account/user"), record.Initiator);
        Assert.Equal(new AuditParty(UserDn, "data/security/credential", "jdoe"), record.Target);
        Assert.Equal("clear", record.Kind);
        Assert.Null(record.TokenSha256);
        Assert.DoesNotContain(record.Attachments, a => a.Name is "tokenSha256" or "channel" or "addressHmac");
    }

    public static TheoryData<string, string, string> FailedKinds => new()
    {
        { "enrollment", "enrollment.failed", "create/issue" },
        { "revocation", "revocation.failed", "create/issue" },
        { "clear", "clear.failed", "delete/clear" },
    };

    [Theory]
    [MemberData(nameof(FailedKinds))]
    public void A_failure_is_what_its_kind_asked_for_with_the_error_code_as_reason(string kind, string routingKey, string action)
    {
        var request = kind switch
        {
            "enrollment" => Enrollment,
            "revocation" => Revocation,
            _ => ClearByUid,
        };
        var message = "No entry 'uid=jdoe,ou=people,dc=example,dc=com' exists (gave up after 8 attempts).";
        var result = ResultMessage.Failed(request, ErrorCodes.UnknownUid, message, 8, Completed);
        Assert.Equal(routingKey, result.RoutingKey());

        var record = AuditMapping.Map(Of(result));

        Assert.Equal(action, record.Action);
        Assert.Equal("failure", record.Outcome);
        Assert.Equal("unknown-uid", record.ReasonCode);
        Assert.Equal(kind, record.Kind);
        Assert.Equal(new AuditParty("shrtok-idm", "service/security/account/user"), record.Initiator);
        Assert.Equal(Completed, record.EventTime);
        var attachments = Attachments(record);
        Assert.Contains(("attempts", "xs:int", "8"), attachments);
        Assert.Equal(("errorMessage", Xs, message), attachments[^2]);
        Assert.Equal(("streamOffset", "xs:long", "1041"), attachments[^1]);
    }

    [Fact]
    public void A_failure_with_the_entry_known_targets_that_entry()
    {
        var result = ResultMessage.Failed(Revocation, ErrorCodes.UnknownSerial, "No certificate record.", 1, Completed, dn: RecordDn);

        var record = AuditMapping.Map(Of(result));

        Assert.Equal(new AuditParty(RecordDn, "data/security/credential", "serial 6699"), record.Target);
        Assert.Equal("unknown-serial", record.ReasonCode);
    }

    [Fact]
    public void A_failure_without_a_dn_targets_the_uid()
    {
        var record = AuditMapping.Map(Of(ResultMessage.Failed(Enrollment, ErrorCodes.UnknownUid, "No such user.", 1, Completed)));

        Assert.Equal(new AuditParty("uid:jdoe", "data/security/credential", "jdoe"), record.Target);
    }

    [Fact]
    public void A_failed_revocation_without_a_dn_targets_the_serial()
    {
        var record = AuditMapping.Map(Of(ResultMessage.Failed(Revocation, ErrorCodes.DirectoryUnavailable, "Down.", 1, Completed)));

        Assert.Equal(new AuditParty("serial:6699", "data/security/credential", "serial 6699"), record.Target);
    }

    [Fact]
    public void An_unreadable_message_is_an_unknown_failure_of_an_unknown_target()
    {
        var rejection = new RequestRejection(ErrorCodes.InvalidRequest, "The body is not JSON.", null, null, null);
        var result = ResultMessage.Rejected(rejection, Completed);
        Assert.Equal("unknown.failed", result.RoutingKey());

        var record = AuditMapping.Map(Of(result));

        Assert.Equal("unknown", record.Action);
        Assert.Equal("failure", record.Outcome);
        Assert.Equal("invalid-request", record.ReasonCode);
        Assert.Equal("unknown", record.Kind);
        Assert.Null(record.RequestId);
        Assert.Equal(new AuditParty("unknown", "data/security/credential"), record.Target);
        Assert.Equal(
            [
                ("routingKey", Xs, "unknown.failed"),
                ("attempts", "xs:int", "1"),
                ("errorMessage", Xs, "The body is not JSON."),
                ("streamOffset", "xs:long", "1041"),
            ],
            Attachments(record));
    }

    [Fact]
    public void A_consumed_enrollment_token_is_removed_by_the_worker_itself_at_its_consumption()
    {
        var recordCreated = new DateTimeOffset(2026, 11, 27, 12, 0, 5, 0, TimeSpan.Zero);
        var consumedAt = new DateTimeOffset(2026, 11, 27, 12, 0, 5, 250, TimeSpan.Zero);
        var certificateRecord = "cn=4096,ou=certificateRepository,ou=ca,dc=example,dc=com";
        var consumed = TokenConsumedEvent.Enrollment(TokenSha256, UserDn, "jdoe", "4096", certificateRecord, recordCreated, consumedAt);

        var record = AuditMapping.Map(Of(consumed));

        Assert.Equal(("delete/consume", "success"), (record.Action, record.Outcome));
        Assert.Equal(consumedAt, record.EventTime);
        var worker = new AuditParty("shrtok-worker", "service/security");
        Assert.Equal(worker, record.Observer);
        Assert.Equal(worker, record.Initiator);
        Assert.Equal(new AuditParty(UserDn, "data/security/credential", "jdoe"), record.Target);
        Assert.Null(record.RequestId);
        Assert.Equal(TokenSha256, record.TokenSha256);
        Assert.Equal(
            [
                ("routingKey", Xs, "enrollment.consumed"),
                ("kind", Xs, "enrollment"),
                ("uid", Xs, "jdoe"),
                ("serial", Xs, "4096"),
                ("tokenSha256", Xs, TokenSha256),
                ("certificateRecordDn", Xs, certificateRecord),
                ("streamOffset", "xs:long", "1041"),
            ],
            Attachments(record));
    }

    [Fact]
    public void A_consumed_revocation_token_targets_the_certificate_record_at_its_consumption_not_its_revocation()
    {
        var revokedAt = new DateTimeOffset(2026, 11, 28, 9, 14, 0, TimeSpan.Zero);
        var consumedAt = new DateTimeOffset(2026, 11, 28, 9, 14, 0, 310, TimeSpan.Zero);
        var consumed = TokenConsumedEvent.Revocation(TokenSha256, "6699", RecordDn, revokedAt, consumedAt);

        var record = AuditMapping.Map(Of(consumed, offset: null));

        Assert.Equal("delete/consume", record.Action);
        Assert.Equal(consumedAt, record.EventTime);
        Assert.Equal(new AuditParty("shrtok-worker", "service/security"), record.Initiator);
        Assert.Equal(new AuditParty(RecordDn, "data/security/credential", "serial 6699"), record.Target);
        // Without an offset, the id falls back to the routing key and the token digest (no request id).
        Assert.Equal($"shrtok-audit:revocation.consumed:{TokenSha256}", record.Id);
        Assert.DoesNotContain(record.Attachments, a => a.Name == "streamOffset");
    }

    [Fact]
    public void An_expired_token_is_removed_by_the_worker_at_its_expiry()
    {
        var json = $$"""{"version":1,"kind":"enrollment","tokenSha256":"{{TokenSha256}}","dn":"{{UserDn}}","uid":"jdoe","expiresAt":"2026-12-08T08:14:02.117Z","expiredAt":"2026-12-08T08:14:03.000Z"}""";

        var record = AuditMapping.Map(Of("enrollment.expired", json, producer: null));

        Assert.Equal(("delete/expire", "success"), (record.Action, record.Outcome));
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 8, 14, 3, TimeSpan.Zero), record.EventTime);
        Assert.Equal(new AuditParty("shrtok-worker", "service/security"), record.Initiator);
        Assert.Contains(("expiresAt", Xs, "2026-12-08T08:14:02.117Z"), Attachments(record));
    }

    [Fact]
    public void A_lifecycle_event_ignores_a_producer_header()
    {
        var json = $$"""{"kind":"enrollment","tokenSha256":"{{TokenSha256}}","expiredAt":"2026-12-08T08:14:03.000Z"}""";

        var record = AuditMapping.Map(Of("enrollment.expired", json, producer: "mallory"));

        Assert.Equal(new AuditParty("shrtok-worker", "service/security"), record.Initiator);
    }

    [Theory]
    [InlineData("completedAt")]
    [InlineData("consumedAt")]
    [InlineData("expiredAt")]
    [InlineData("removedAt")]
    [InlineData("occurredAt")]
    public void Each_time_member_alone_is_the_event_time(string member)
    {
        var record = AuditMapping.Map(Of("enrollment.expired", $$"""{"{{member}}":"2026-12-08T08:14:03.456Z"}""", timestamp: Completed));

        Assert.Equal(new DateTimeOffset(2026, 12, 8, 8, 14, 3, 456, TimeSpan.Zero), record.EventTime);
    }

    [Fact]
    public void The_first_time_member_in_the_documented_order_wins_whatever_the_body_order()
    {
        var json = """{"removedAt":"2026-12-08T00:00:04Z","expiredAt":"2026-12-08T00:00:03Z","consumedAt":"2026-12-08T00:00:02Z","completedAt":"2026-12-08T00:00:01Z"}""";
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 0, 0, 1, TimeSpan.Zero), AuditMapping.Map(Of("x.y", json)).EventTime);

        var withoutCompleted = """{"removedAt":"2026-12-08T00:00:04Z","expiredAt":"2026-12-08T00:00:03Z"}""";
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 0, 0, 3, TimeSpan.Zero), AuditMapping.Map(Of("x.y", withoutCompleted)).EventTime);
    }

    [Fact]
    public void A_time_with_an_offset_is_converted_to_UTC()
    {
        var record = AuditMapping.Map(Of("enrollment.expired", """{"expiredAt":"2026-12-08T10:14:03.000+02:00"}"""));

        Assert.Equal(new DateTimeOffset(2026, 12, 8, 8, 14, 3, TimeSpan.Zero), record.EventTime);
        Assert.Equal(TimeSpan.Zero, record.EventTime.Offset);
    }

    [Fact]
    public void A_time_without_an_offset_is_read_as_UTC()
    {
        var record = AuditMapping.Map(Of("enrollment.expired", """{"removedAt":"2026-12-08T08:14:03"}"""));

        Assert.Equal(new DateTimeOffset(2026, 12, 8, 8, 14, 3, TimeSpan.Zero), record.EventTime);
    }

    [Fact]
    public void Without_a_time_member_the_AMQP_timestamp_is_the_event_time_and_without_that_the_epoch()
    {
        var timestamp = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(timestamp, AuditMapping.Map(Of("enrollment.expired", """{"expiredAt":"not a time"}""", timestamp: timestamp)).EventTime);
        Assert.Equal(timestamp, AuditMapping.Map(Of("enrollment.expired", """{"expiredAt":1765180443}""", timestamp: timestamp)).EventTime);
        Assert.Equal(DateTimeOffset.UnixEpoch, AuditMapping.Map(Of("enrollment.expired", "{}")).EventTime);
    }

    [Fact]
    public void A_word_this_reader_does_not_know_is_shown_as_unknown_with_the_fields_it_finds()
    {
        var json = $$"""{"requestId":"idm-0500","kind":"enrollment","dn":"{{UserDn}}","uid":"jdoe","occurredAt":"2026-12-02T00:00:00Z","futureMember":[{"x":1}]}""";

        var record = AuditMapping.Map(Of("enrollment.suspended", json));

        Assert.Equal("unknown/suspended", record.Action);
        Assert.Equal("unknown", record.Outcome);
        Assert.Null(record.ReasonCode);
        Assert.Equal(new AuditParty("shrtok-idm", "service/security/account/user"), record.Initiator);
        Assert.Equal(new AuditParty(UserDn, "data/security/credential", "jdoe"), record.Target);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), record.EventTime);
        Assert.Equal("idm-0500", record.RequestId);
        Assert.Equal(
            [
                ("routingKey", Xs, "enrollment.suspended"),
                ("requestId", Xs, "idm-0500"),
                ("kind", Xs, "enrollment"),
                ("uid", Xs, "jdoe"),
                ("streamOffset", "xs:long", "1041"),
            ],
            Attachments(record));
    }

    [Fact]
    public void An_unknown_word_with_an_error_code_is_a_failure_with_its_reason()
    {
        var json = """{"kind":"clear","error":{"code":"hsm-error","message":"The HSM said no."}}""";

        var record = AuditMapping.Map(Of("clear.withdrawn", json));

        Assert.Equal(("unknown/withdrawn", "failure", "hsm-error"), (record.Action, record.Outcome, record.ReasonCode));
        Assert.Contains(("errorMessage", Xs, "The HSM said no."), Attachments(record));
    }

    [Fact]
    public void A_routing_key_without_a_word_is_unknown_and_its_kind_is_the_whole_key()
    {
        var record = AuditMapping.Map(Of("enrollment", "{}", offset: null, producer: null));

        Assert.Equal("unknown/unknown", record.Action);
        Assert.Equal("unknown", record.Outcome);
        Assert.Equal("enrollment", record.Kind);
        Assert.Equal(new AuditParty("unknown", "service/security/account/user"), record.Initiator);
        Assert.Equal("shrtok-audit:enrollment:unknown", record.Id);
        Assert.Equal([("routingKey", Xs, "enrollment")], Attachments(record));
    }

    [Fact]
    public void The_body_kind_wins_over_the_routing_keys_first_word()
    {
        var record = AuditMapping.Map(Of("unknown.failed", """{"kind":"revocation","error":{"code":"invalid-request","message":"m"}}"""));

        Assert.Equal("revocation", record.Kind);
        Assert.Equal("create/issue", record.Action);
    }

    [Fact]
    public void A_batch_completed_event_maps_as_an_unknown_word_of_its_batch()
    {
        var counts = new BatchCounts(Rows: 2003, NotSent: 0, InFlight: 0, Stored: 2000, Cleared: 0, Failed: 3, Lost: 0);
        var completedAt = new DateTimeOffset(2026, 11, 27, 13, 2, 11, 512, TimeSpan.Zero);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            BatchCompletion.EventOf("onboarding-2026-11", RequestKind.Enrollment, counts, completedAt), BatchStateJson.Default.BatchCompletedEvent);

        var record = AuditMapping.Map(new AuditEntry(2000, BatchCompletedEvent.RoutingKey, "batch-operator", null, null, body));

        Assert.Equal(("unknown/completed", "unknown"), (record.Action, record.Outcome));
        Assert.Equal(completedAt, record.EventTime);
        Assert.Equal("enrollment", record.Kind);
        Assert.Equal("onboarding-2026-11", record.BatchId);
        Assert.Equal(new AuditParty("batch-operator", "service/security"), record.Observer);
        Assert.Equal(new AuditParty("unknown", "service/security/account/user"), record.Initiator);
        Assert.Equal(new AuditParty("unknown", "data/security/credential"), record.Target);
        Assert.Equal(
            [
                ("routingKey", Xs, "batch.completed"),
                ("batchId", Xs, "onboarding-2026-11"),
                ("kind", Xs, "enrollment"),
                ("streamOffset", "xs:long", "2000"),
            ],
            Attachments(record));
    }

    [Fact]
    public void Without_a_user_id_the_observer_is_unknown()
    {
        var record = AuditMapping.Map(Of(StoredEnrollment(), userId: null));

        Assert.Equal(new AuditParty("unknown", "service/security"), record.Observer);
    }

    [Fact]
    public void Without_the_producer_header_the_initiator_of_a_result_is_unknown()
    {
        var record = AuditMapping.Map(Of(StoredEnrollment(), producer: null));

        Assert.Equal(new AuditParty("unknown", "service/security/account/user"), record.Initiator);
    }

    [Fact]
    public void Without_an_offset_the_id_is_the_routing_key_and_the_request_id()
    {
        var record = AuditMapping.Map(Of(StoredEnrollment(), offset: null));

        Assert.Equal("shrtok-audit:enrollment.stored:idm-0419", record.Id);
        Assert.Equal(("addressHmac", Xs, AddressHmac), Attachments(record)[^2]);
        Assert.Equal(("attempts", "xs:int", "1"), Attachments(record)[^1]);
    }

    [Fact]
    public void Members_of_another_JSON_type_are_left_out()
    {
        var json = """{"requestId":42,"uid":null,"dn":["x"],"kind":true,"attempts":"2","error":"hsm-error","completedAt":"2026-12-01T08:14:02.117Z"}""";

        var record = AuditMapping.Map(Of("enrollment.failed", json));

        Assert.Null(record.RequestId);
        Assert.Null(record.Uid);
        Assert.Equal("enrollment", record.Kind);
        Assert.Null(record.ReasonCode);
        Assert.Equal(new AuditParty("unknown", "data/security/credential"), record.Target);
        Assert.Equal([("routingKey", Xs, "enrollment.failed"), ("streamOffset", "xs:long", "1041")], Attachments(record));
    }

    [Fact]
    public void An_error_without_a_message_gives_a_reason_and_no_error_message()
    {
        var record = AuditMapping.Map(Of("clear.failed", """{"kind":"clear","error":{"code":"forbidden"}}"""));

        Assert.Equal("forbidden", record.ReasonCode);
        Assert.DoesNotContain(record.Attachments, a => a.Name == "errorMessage");
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"a string\"")]
    [InlineData("null")]
    public void A_body_that_is_JSON_but_no_object_maps_with_nothing_but_the_routing_key(string json)
    {
        var record = AuditMapping.Map(Of("enrollment.stored", json, offset: null, timestamp: Completed));

        Assert.Equal(("create/issue", "success"), (record.Action, record.Outcome));
        Assert.Equal("enrollment", record.Kind);
        Assert.Equal(Completed, record.EventTime);
        Assert.Equal("shrtok-audit:enrollment.stored:unknown", record.Id);
        Assert.Equal([("routingKey", Xs, "enrollment.stored")], Attachments(record));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"requestId\":\"idm-0419\"")]
    [InlineData("{\"requestId\":'idm-0419'}")]
    public void A_body_that_is_not_JSON_throws_the_JsonException_the_audit_command_skips(string body)
    {
        Assert.ThrowsAny<JsonException>(() => AuditMapping.Map(Of("enrollment.stored", body)));
    }

    [Fact]
    public void A_null_entry_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => AuditMapping.Map(null!));
    }
}
