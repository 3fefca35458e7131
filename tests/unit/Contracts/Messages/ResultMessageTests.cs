using System.Text;
using System.Text.Json;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Messages;

public sealed class ResultMessageTests
{
    private static readonly DateTimeOffset Completed = new(2026, 11, 27, 12, 30, 15, 250, TimeSpan.Zero);

    private static readonly WorkRequest Enrollment = new(RequestKind.Enrollment, "idm-7f3a", "onboarding-2026-11", "jdoe", null,
        new DeliveryTarget("email", "jdoe@example.com"));

    private static readonly WorkRequest Revocation = new(RequestKind.Revocation, "idm-7f3b", null, null, CertificateSerial.Parse("0x1A2B"),
        new DeliveryTarget("sms", "+15550100"));

    private static readonly WorkRequest ClearBySerial = new(RequestKind.Clear, "idm-7f3c", null, null, CertificateSerial.Parse("0x1A2B"), null);

    private static string Json(ResultMessage result) => Encoding.UTF8.GetString(MessageJson.ToUtf8(result));

    [Fact]
    public void A_stored_enrollment_is_camelCase_JSON_without_null_members()
    {
        var result = ResultMessage.Stored(Enrollment, "uid=jdoe,ou=people,dc=example,dc=com", "ab12", 2, Completed);

        Assert.Equal(
            """{"requestId":"idm-7f3a","batchId":"onboarding-2026-11","kind":"enrollment","status":"stored","dn":"uid=jdoe,ou=people,dc=example,dc=com","uid":"jdoe","tokenSha256":"ab12","attempts":2,"completedAt":"2026-11-27T12:30:15.250Z"}""",
            Json(result));
        Assert.Equal("enrollment.stored", result.RoutingKey());
    }

    [Fact]
    public void A_stored_revocation_carries_the_serial_in_decimal()
    {
        var result = ResultMessage.Stored(Revocation, "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com", "ab12", 1, Completed);

        using var json = JsonDocument.Parse(MessageJson.ToUtf8(result));
        Assert.Equal("6699", json.RootElement.GetProperty("serial").GetString());
        Assert.False(json.RootElement.TryGetProperty("uid", out _));
        Assert.False(json.RootElement.TryGetProperty("batchId", out _));
        Assert.False(json.RootElement.TryGetProperty("error", out _));
        Assert.Equal("revocation.stored", result.RoutingKey());
    }

    [Fact]
    public void A_cleared_result_has_no_token_digest()
    {
        var result = ResultMessage.Cleared(ClearBySerial, "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com", 1, Completed);

        Assert.Equal(
            """{"requestId":"idm-7f3c","kind":"clear","status":"cleared","dn":"cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com","serial":"6699","attempts":1,"completedAt":"2026-11-27T12:30:15.250Z"}""",
            Json(result));
        Assert.Equal("clear.cleared", result.RoutingKey());
    }

    [Fact]
    public void A_failure_carries_the_stable_code_and_the_message()
    {
        var result = ResultMessage.Failed(Enrollment, ErrorCodes.UnknownUid, "No entry under ou=people,dc=example,dc=com has uid 'jdoe'.", 1, Completed);

        Assert.Equal(
            """{"requestId":"idm-7f3a","batchId":"onboarding-2026-11","kind":"enrollment","status":"failed","uid":"jdoe","attempts":1,"completedAt":"2026-11-27T12:30:15.250Z","error":{"code":"unknown-uid","message":"No entry under ou=people,dc=example,dc=com has uid 'jdoe'."}}""",
            Json(result));
        Assert.Equal("enrollment.failed", result.RoutingKey());
    }

    [Fact]
    public void A_rejection_keeps_the_best_known_requestId_kind_and_batchId()
    {
        var rejection = new RequestRejection(ErrorCodes.InvalidRequest, "Unknown field 'x'.", "amqp-1", RequestKind.Revocation, "b-1");

        var result = ResultMessage.Rejected(rejection, Completed);

        Assert.Equal(
            """{"requestId":"amqp-1","batchId":"b-1","kind":"revocation","status":"failed","attempts":1,"completedAt":"2026-11-27T12:30:15.250Z","error":{"code":"invalid-request","message":"Unknown field 'x'."}}""",
            Json(result));
        Assert.Equal("revocation.failed", result.RoutingKey());
    }

    [Fact]
    public void An_unreadable_message_is_routed_as_unknown_failed()
    {
        var result = ResultMessage.Rejected(new RequestRejection(ErrorCodes.InvalidRequest, "The body is empty.", null, null, null), Completed);

        Assert.Equal("unknown.failed", result.RoutingKey());
        Assert.Equal(
            """{"status":"failed","attempts":1,"completedAt":"2026-11-27T12:30:15.250Z","error":{"code":"invalid-request","message":"The body is empty."}}""",
            Json(result));
    }

    [Fact]
    public void Failures_only_take_the_stable_codes()
    {
        var error = Assert.Throws<ArgumentException>(() => ResultMessage.Failed(Enrollment, "oops", "x", 1, Completed));
        Assert.Contains("'oops' is not one of the stable error codes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attempts_start_at_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ResultMessage.Stored(Enrollment, "uid=jdoe", "ab", 0, Completed));
    }

    [Fact]
    public void Stored_and_cleared_match_their_kinds()
    {
        Assert.Throws<ArgumentException>(() => ResultMessage.Stored(ClearBySerial, "cn=1", "ab", 1, Completed));
        Assert.Throws<ArgumentException>(() => ResultMessage.Cleared(Enrollment, "uid=jdoe", 1, Completed));
    }

    [Fact]
    public void Completion_times_in_other_offsets_are_written_in_UTC()
    {
        var local = new DateTimeOffset(2026, 11, 27, 14, 30, 15, 250, TimeSpan.FromHours(2));

        var result = ResultMessage.Stored(Enrollment, "uid=jdoe", "ab", 1, local);

        Assert.Contains("\"completedAt\":\"2026-11-27T12:30:15.250Z\"", Json(result), StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_reads_back_into_the_same_record()
    {
        var results = new[]
        {
            ResultMessage.Stored(Enrollment, "uid=jdoe,ou=people,dc=example,dc=com", TokenDigest.Sha256Hex("token"), 3, Completed),
            ResultMessage.Cleared(ClearBySerial, "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com", 1, Completed),
            ResultMessage.Failed(Revocation, ErrorCodes.HsmUnavailable, "The HSM did not answer.", 5, Completed),
            ResultMessage.Rejected(new RequestRejection(ErrorCodes.InvalidRequest, "x", null, null, null), Completed),
        };

        foreach (var result in results)
            Assert.Equal(result, MessageJson.ReadResult(MessageJson.ToUtf8(result)));
    }

    [Theory]
    [InlineData("""{"requestId":"r","kind":"clear","attempts":1,"completedAt":"2026-11-27T12:30:15.250Z"}""", "status")]
    [InlineData("""{"requestId":"r","kind":"clear","status":"cleared","attempts":1}""", "completedAt")]
    [InlineData("""{"requestId":"r","kind":"clear","status":"done","attempts":1,"completedAt":"2026-11-27T12:30:15.250Z"}""", "status")]
    [InlineData("""{"requestId":"r","kind":"clear","status":"cleared","attempts":1,"completedAt":"2026-11-27T12:30:15"}""", "time zone")]
    public void Reading_refuses_a_result_without_its_required_members(string json, string fragment)
    {
        var error = Assert.Throws<JsonException>(() => MessageJson.ReadResult(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_ignores_members_a_newer_worker_may_add()
    {
        var result = MessageJson.ReadResult("""{"requestId":"r","kind":"clear","status":"cleared","attempts":1,"completedAt":"2026-11-27T12:30:15.250Z","shard":7}"""u8);

        Assert.Equal(ResultStatus.Cleared, result.Status);
    }
}
