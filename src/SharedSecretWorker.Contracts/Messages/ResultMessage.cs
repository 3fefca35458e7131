using System.Text.Json.Serialization;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>
/// The result of one request, for its requester (docs/messages.md, "Results"), published to the
/// results exchange with routing key <c>&lt;kind&gt;.&lt;status&gt;</c> (<see cref="RoutingKey"/>).
/// JSON: camelCase, null members omitted (<see cref="MessageJson"/>).
/// </summary>
/// <param name="RequestId">The request's id; for an unreadable message the AMQP message_id, or null when neither was usable.</param>
/// <param name="BatchId">The batch of a bulk request.</param>
/// <param name="Kind">The request's kind; null only for a message too broken to tell.</param>
/// <param name="Status">stored, cleared or failed.</param>
/// <param name="Dn">The entry or certificate record written or cleared.</param>
/// <param name="Uid">The user (enrollment, clear by uid).</param>
/// <param name="Serial">The certificate serial in decimal, as the CA files it (revocation, clear by serial).</param>
/// <param name="TokenSha256">Lower-case hex SHA-256 of the stored token text (<see cref="TokenDigest"/>); lets a requester match the directory without seeing the token.</param>
/// <param name="Attempts">How many times the worker tried (1 when it succeeded or failed at once).</param>
/// <param name="CompletedAt">When the worker finished, UTC (ISO 8601 with Z).</param>
/// <param name="Error">Set exactly when <paramref name="Status"/> is failed.</param>
public sealed record ResultMessage(
    string? RequestId,
    string? BatchId,
    RequestKind? Kind,
    [property: JsonRequired] ResultStatus Status,
    string? Dn,
    string? Uid,
    string? Serial,
    string? TokenSha256,
    [property: JsonRequired] int Attempts,
    [property: JsonRequired] DateTimeOffset CompletedAt,
    ResultError? Error)
{
    /// <summary>
    /// The delivery channel the passphrase went to, or was to go to (enrollment and revocation requests
    /// the worker could read). An extension (docs/messages.md, "Results"): for the audit trail.
    /// </summary>
    public string? Channel { get; init; }

    /// <summary>
    /// Lower-case hex HMAC-SHA256 of the request's delivery address (its UTF-8 bytes exactly as the request
    /// gave them), keyed with the site's audit key (<c>Audit:AddressKeyFile</c>; docs/audit.md). Lets the
    /// audit trail be searched for an address without holding it: the address is personal data. Null when
    /// the request had no delivery or no key is configured.
    /// </summary>
    public string? AddressHmac { get; init; }

    /// <summary>
    /// <c>stored</c> only: when the token stored expires and the worker removes it (docs/token-lifecycle.md,
    /// "A lifetime"), UTC, whole seconds. Null when it never expires (<c>Token:Lifetime</c> 0).
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>First routing-key word of a result whose kind could not be read (the message was unreadable).</summary>
    public const string UnknownKindWord = "unknown";

    /// <summary>Routing key on the results exchange: <c>&lt;kind&gt;.&lt;status&gt;</c>, e.g. <c>enrollment.stored</c>, <c>revocation.failed</c>; <c>unknown.failed</c> for a message whose kind could not be read.</summary>
    public string RoutingKey() => $"{Kind?.ToWireName() ?? UnknownKindWord}.{Status.ToWireName()}";

    /// <summary>A token was written for <paramref name="request"/> (enrollment or revocation).</summary>
    public static ResultMessage Stored(WorkRequest request, string dn, string tokenSha256, int attempts, DateTimeOffset completedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(dn);
        ArgumentException.ThrowIfNullOrEmpty(tokenSha256);
        if (request.Kind == RequestKind.Clear) throw new ArgumentException("A clear request is cleared, not stored.", nameof(request));
        return new(request.RequestId, request.BatchId, request.Kind, ResultStatus.Stored, dn, request.Uid,
            request.Serial?.Decimal, tokenSha256, CheckAttempts(attempts), completedAt, null);
    }

    /// <summary>A clear request was carried out (<paramref name="dn"/> is the entry or record it cleared).</summary>
    public static ResultMessage Cleared(WorkRequest request, string dn, int attempts, DateTimeOffset completedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(dn);
        if (request.Kind != RequestKind.Clear) throw new ArgumentException("Only a clear request is cleared.", nameof(request));
        return new(request.RequestId, request.BatchId, request.Kind, ResultStatus.Cleared, dn, request.Uid,
            request.Serial?.Decimal, null, CheckAttempts(attempts), completedAt, null);
    }

    /// <summary>A readable request failed with <paramref name="code"/> (one of <see cref="ErrorCodes"/>).</summary>
    public static ResultMessage Failed(WorkRequest request, string code, string message, int attempts, DateTimeOffset completedAt, string? dn = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request.RequestId, request.BatchId, request.Kind, ResultStatus.Failed, dn, request.Uid,
            request.Serial?.Decimal, null, CheckAttempts(attempts), completedAt, Failure(code, message));
    }

    /// <summary>A message the parser refused; carries the best-known requestId, kind and batchId.</summary>
    public static ResultMessage Rejected(RequestRejection rejection, DateTimeOffset completedAt, int attempts = 1)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new(rejection.RequestId, rejection.BatchId, rejection.Kind, ResultStatus.Failed, null, null, null, null,
            CheckAttempts(attempts), completedAt, Failure(rejection.Code, rejection.Message));
    }

    private static ResultError Failure(string code, string message)
    {
        if (!ErrorCodes.IsKnown(code))
            throw new ArgumentException($"'{code}' is not one of the stable error codes ({string.Join(", ", ErrorCodes.All)}).", nameof(code));
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new ResultError(code, message);
    }

    private static int CheckAttempts(int attempts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attempts);
        return attempts;
    }
}
