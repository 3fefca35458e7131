using System.Text;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using ShrTok.Auditing;

namespace SharedSecretWorker.Tests.Unit.Contracts.Messages;

/// <summary>The expired-token event's JSON (docs/messages.md, "Expired tokens"), the optional members added by lifetimes, and the audit reader's view of it.</summary>
public sealed class TokenExpiredEventTests
{
    private static readonly DateTimeOffset Issued = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Sha = new('a', 64);

    [Fact]
    public void An_enrollment_expiry_is_written_camel_case_without_nulls_and_read_back()
    {
        var expired = TokenExpiredEvent.Enrollment(Sha, "uid=jdoe,ou=people,dc=example,dc=com", "jdoe", "req-1", null, Issued, Issued.AddSeconds(30),
            Issued.AddSeconds(31.25));

        var json = Encoding.UTF8.GetString(MessageJson.ToUtf8(expired));

        Assert.Equal($$"""{"version":1,"kind":"enrollment","tokenSha256":"{{Sha}}","dn":"uid=jdoe,ou=people,dc=example,dc=com","uid":"jdoe","requestId":"req-1","issuedAt":"2026-12-02T12:00:00.000Z","notAfter":"2026-12-02T12:00:30.000Z","expiredAt":"2026-12-02T12:00:31.250Z"}""", json);
        Assert.Equal(expired, MessageJson.ReadExpired(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("enrollment.expired", expired.RoutingKey());
    }

    [Fact]
    public void A_revocation_expiry_names_the_serial_and_record()
    {
        var expired = TokenExpiredEvent.Revocation(Sha, "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com", "6699", "rev-1", "b-1", Issued,
            Issued.AddDays(1), Issued.AddDays(1));
        var read = MessageJson.ReadExpired(MessageJson.ToUtf8(expired));
        Assert.Equal((RequestKind.Revocation, "6699", (string?)null, "b-1"), (read.Kind, read.Serial, read.Uid, read.BatchId));
        Assert.Equal($"revocation.expired:{Sha}", read.MessageId());
    }

    [Fact]
    public void Consumed_events_carry_the_request_when_known_and_omit_it_when_not()
    {
        var consumed = TokenConsumedEvent.Enrollment(Sha, "uid=jdoe,ou=people,dc=example,dc=com", "jdoe", "4096", "cn=4096,ou=certificateRepository,ou=ca,dc=example,dc=com",
            Issued, Issued);
        Assert.DoesNotContain("requestId", Encoding.UTF8.GetString(MessageJson.ToUtf8(consumed)), StringComparison.Ordinal);
        var known = consumed with { RequestId = "req-1", BatchId = "b-1" };
        var read = MessageJson.ReadConsumed(MessageJson.ToUtf8(known));
        Assert.Equal(("req-1", "b-1"), (read.RequestId, read.BatchId));
    }

    [Fact]
    public void The_audit_reader_maps_an_expiry_to_delete_expire_at_its_expiredAt()
    {
        var expired = TokenExpiredEvent.Enrollment(Sha, "uid=jdoe,ou=people,dc=example,dc=com", "jdoe", "req-1", "b-1", Issued, Issued.AddSeconds(30),
            Issued.AddSeconds(32));

        var record = AuditMapping.Map(new AuditEntry(42, expired.RoutingKey(), "shrtok-worker", null, Issued.AddMinutes(5), MessageJson.ToUtf8(expired)));

        Assert.Equal(("delete/expire", AuditMapping.Success), (record.Action, record.Outcome));
        Assert.Equal(Issued.AddSeconds(32), record.EventTime);
        Assert.Equal(("req-1", "b-1", "jdoe", Sha), (record.RequestId, record.BatchId, record.Uid, record.TokenSha256));
        Assert.Equal("shrtok-worker", record.Initiator.Id);
    }
}
