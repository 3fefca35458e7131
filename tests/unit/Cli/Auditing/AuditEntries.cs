using System.Text;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using ShrTok.Auditing;

namespace SharedSecretWorker.Tests.Unit.Cli.Auditing;

/// <summary>
/// Stream entries and records for the audit tests: the messages of docs/messages.md, serialized with the
/// contract library as the worker publishes them, wrapped as the audit stream hands them over.
/// </summary>
internal static class AuditEntries
{
    public const string WorkerUser = "shrtok-worker";
    public const string Producer = "shrtok-idm";
    public const long Offset = 1041;

    public const string UserDn = "uid=jdoe,ou=people,dc=example,dc=com";
    public const string RecordDn = "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com";
    public const string TokenSha256 = "3f0a9c51d2e87b46a0f1c3e5d7b9a2c4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a3b5";
    public const string AddressHmac = "b6cf7e530f738fb7af03721d6ffb6cc24057ab24cc16f8e4ab706e29899aa33d";

    public static readonly DateTimeOffset Completed = new(2026, 12, 1, 8, 14, 2, 117, TimeSpan.Zero);

    public static readonly WorkRequest Enrollment = new(RequestKind.Enrollment, "idm-0419", null, "jdoe", null,
        new DeliveryTarget("email", "jdoe@example.com"));

    public static readonly WorkRequest Revocation = new(RequestKind.Revocation, "idm-0420", "revoke-2026-12", null, CertificateSerial.Parse("6699"),
        new DeliveryTarget("sms", "+15550100"));

    public static readonly WorkRequest ClearByUid = new(RequestKind.Clear, "idm-0421", null, "jdoe", null, null);

    /// <summary>The stored enrollment of docs/audit.md's example record.</summary>
    public static ResultMessage StoredEnrollment() =>
        ResultMessage.Stored(Enrollment, UserDn, TokenSha256, 1, Completed) with { Channel = "email", AddressHmac = AddressHmac };

    public static AuditEntry Of(ResultMessage result, long? offset = Offset, string? userId = WorkerUser, string? producer = Producer, DateTimeOffset? timestamp = null) =>
        new(offset, result.RoutingKey(), userId, producer, timestamp, MessageJson.ToUtf8(result));

    public static AuditEntry Of(TokenConsumedEvent consumed, long? offset = Offset) =>
        new(offset, consumed.RoutingKey(), WorkerUser, null, null, MessageJson.ToUtf8(consumed));

    public static AuditEntry Of(string routingKey, string json, long? offset = Offset, string? userId = WorkerUser, string? producer = Producer, DateTimeOffset? timestamp = null) =>
        new(offset, routingKey, userId, producer, timestamp, Encoding.UTF8.GetBytes(json));

    /// <summary>A record as the filter and the table see it, with only the values a test names.</summary>
    public static AuditRecord Record(DateTimeOffset? at = null, string? uid = null, string? requestId = null, string? batchId = null) => new()
    {
        Id = "shrtok-audit:1",
        EventTime = at ?? Completed,
        Action = "create/issue",
        Outcome = AuditMapping.Success,
        Initiator = new AuditParty(Producer, AuditMapping.UserTypeUri),
        Target = new AuditParty(UserDn, AuditMapping.CredentialTypeUri, uid),
        Observer = new AuditParty(WorkerUser, AuditMapping.ServiceTypeUri),
        Uid = uid,
        RequestId = requestId,
        BatchId = batchId,
    };

    /// <summary>The attachments as (name, type, content), to compare whole lists.</summary>
    public static (string, string, string)[] Attachments(AuditRecord record) =>
        record.Attachments.Select(a => (a.Name, a.TypeUri, a.Content)).ToArray();
}
