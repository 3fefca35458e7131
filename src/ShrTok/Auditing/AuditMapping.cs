using System.Globalization;
using System.Text.Json;

namespace ShrTok.Auditing;

/// <summary>
/// Turns what the stream holds (results and lifecycle events, <see cref="AuditEntry"/>) into CADF records
/// (docs/audit.md, "Schema"). The routing key's second word says what happened: <c>stored</c> is an issue,
/// <c>cleared</c> a clear, <c>consumed</c> and <c>expired</c> a token's removal by its lifecycle,
/// <c>failed</c> a failure of what the kind asks for. A word this reader does not know yet is mapped as
/// <c>unknown/WORD</c> with the fields it finds, so that a newer worker's events are shown, not dropped.
/// The body is read loosely (<see cref="JsonDocument"/>), member by member: a record only needs the members
/// it has.
/// </summary>
internal static class AuditMapping
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Unknown = "unknown";

    /// <summary>CADF resource type of a user account (the producer).</summary>
    public const string UserTypeUri = "service/security/account/user";

    /// <summary>CADF resource type of the worker, the observer that reports every record.</summary>
    public const string ServiceTypeUri = "service/security";

    /// <summary>CADF resource type of what a record is about: a shared token, a credential.</summary>
    public const string CredentialTypeUri = "data/security/credential";

    /// <summary>The time members a record may carry, the first one present wins.</summary>
    private static readonly string[] TimeMembers = ["completedAt", "consumedAt", "expiredAt", "removedAt", "occurredAt"];

    /// <summary>Members copied into attachments as they are, when present.</summary>
    private static readonly string[] AttachedMembers =
        ["requestId", "batchId", "kind", "uid", "serial", "tokenSha256", "wrappedTo", "channel", "addressHmac", "certificateRecordDn", "expiresAt"];

    public static AuditRecord Map(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var document = JsonDocument.Parse(entry.Body);
        var body = document.RootElement;
        var dot = entry.RoutingKey.IndexOf('.', StringComparison.Ordinal);
        var kindWord = dot < 0 ? entry.RoutingKey : entry.RoutingKey[..dot];
        var word = dot < 0 ? "" : entry.RoutingKey[(dot + 1)..];
        var kind = Text(body, "kind") ?? kindWord;
        JsonElement error = default;
        var errorCode = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out error) && error.ValueKind == JsonValueKind.Object
            ? Text(error, "code")
            : null;

        var (action, outcome, lifecycle) = word switch
        {
            "stored" => ("create/issue", Success, false),
            "cleared" => ("delete/clear", Success, false),
            "failed" => (ActionOf(kind), Failure, false),
            "consumed" => ("delete/consume", Success, true),
            "expired" => ("delete/expire", Success, true),
            _ => ($"{Unknown}/{(word.Length == 0 ? Unknown : word)}", errorCode is null ? Unknown : Failure, false),
        };

        var observer = new AuditParty(entry.UserId ?? Unknown, ServiceTypeUri);
        // A lifecycle event has no requester: the worker removed the token on its own (the CA's issue or
        // revocation, or the token's lifetime, was the cause), so it is its own initiator.
        var initiator = lifecycle
            ? observer
            : new AuditParty(entry.Producer ?? Unknown, UserTypeUri);

        var uid = Text(body, "uid");
        var serial = Text(body, "serial");
        var dn = Text(body, "dn");
        var target = new AuditParty(
            dn ?? (uid is not null ? $"uid:{uid}" : serial is not null ? $"serial:{serial}" : Unknown),
            CredentialTypeUri,
            uid ?? (serial is not null ? $"serial {serial}" : null));

        var attachments = new List<AuditAttachment> { new("routingKey", "xs:string", entry.RoutingKey) };
        foreach (var member in AttachedMembers)
            if (Text(body, member) is { } value) attachments.Add(new AuditAttachment(member, "xs:string", value));
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("attempts", out var attempts) && attempts.ValueKind == JsonValueKind.Number)
            attachments.Add(new AuditAttachment("attempts", "xs:int", attempts.GetRawText()));
        if (errorCode is not null && Text(error, "message") is { } message)
            attachments.Add(new AuditAttachment("errorMessage", "xs:string", message));
        if (entry.Offset is { } offset)
            attachments.Add(new AuditAttachment("streamOffset", "xs:long", offset.ToString(CultureInfo.InvariantCulture)));

        return new AuditRecord
        {
            Id = entry.Offset is { } o ? $"shrtok-audit:{o.ToString(CultureInfo.InvariantCulture)}" : $"shrtok-audit:{entry.RoutingKey}:{Text(body, "requestId") ?? Text(body, "tokenSha256") ?? Unknown}",
            EventTime = TimeOf(body) ?? entry.Timestamp ?? DateTimeOffset.UnixEpoch,
            Action = action,
            Outcome = outcome,
            ReasonCode = errorCode,
            Initiator = initiator,
            Target = target,
            Observer = observer,
            Attachments = attachments,
            Kind = kind,
            RequestId = Text(body, "requestId"),
            BatchId = Text(body, "batchId"),
            Uid = uid,
            TokenSha256 = Text(body, "tokenSha256"),
        };
    }

    /// <summary>What a failed request was asking for: an issue for enrollment and revocation, a removal for clear.</summary>
    private static string ActionOf(string kind) => kind switch
    {
        "enrollment" or "revocation" => "create/issue",
        "clear" => "delete/clear",
        _ => Unknown,
    };

    private static DateTimeOffset? TimeOf(JsonElement body)
    {
        foreach (var member in TimeMembers)
        {
            if (Text(body, member) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                return time.ToUniversalTime();
        }
        return null;
    }

    private static string? Text(JsonElement element, string member) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
