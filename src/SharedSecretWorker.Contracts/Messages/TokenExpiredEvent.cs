using System.Text.Json.Serialization;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>
/// A token reached the end of its lifetime unused and has been removed from the directory
/// (docs/token-lifecycle.md, "A lifetime"). Published on the results exchange with routing key
/// <c>&lt;kind&gt;.expired</c> (<see cref="RoutingKey"/>) by the one worker whose removal succeeded.
/// Unlike a consumed token, the request is known: it is in the metadata the worker wrote beside the
/// token, and the sweep removes only tokens whose metadata matches them.
/// JSON: camelCase, null members omitted (<see cref="MessageJson"/>).
/// </summary>
/// <param name="Version">Message version, <see cref="CurrentVersion"/>.</param>
/// <param name="Kind">enrollment or revocation.</param>
/// <param name="TokenSha256">Lower-case hex SHA-256 of the removed token text (<see cref="TokenDigest"/>), as in the <c>stored</c> result.</param>
/// <param name="Dn">Where the token was: the user's entry (enrollment) or the certificate record (revocation).</param>
/// <param name="Uid">The user's uid, for an enrollment, when the entry has one.</param>
/// <param name="Serial">The certificate's serial in decimal, for a revocation.</param>
/// <param name="RequestId">The request that wrote the token.</param>
/// <param name="BatchId">The batch of that request, if any.</param>
/// <param name="IssuedAt">When the token was written (the writing worker's clock), UTC, whole seconds.</param>
/// <param name="NotAfter">When the token expired, UTC, whole seconds.</param>
/// <param name="ExpiredAt">When this worker removed it, UTC.</param>
public sealed record TokenExpiredEvent(
    [property: JsonRequired] int Version,
    [property: JsonRequired] RequestKind Kind,
    [property: JsonRequired] string TokenSha256,
    [property: JsonRequired] string Dn,
    string? Uid,
    string? Serial,
    string? RequestId,
    string? BatchId,
    DateTimeOffset? IssuedAt,
    [property: JsonRequired] DateTimeOffset NotAfter,
    [property: JsonRequired] DateTimeOffset ExpiredAt)
{
    /// <summary>The event's message version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Second routing-key word of the event.</summary>
    public const string RoutingKeyWord = "expired";

    /// <summary>Routing key on the results exchange: <c>enrollment.expired</c> or <c>revocation.expired</c>.</summary>
    public string RoutingKey() => $"{Kind.ToWireName()}.{RoutingKeyWord}";

    /// <summary>
    /// AMQP message_id of the event: the same for every worker and every attempt that reports this
    /// token's expiry, so that a consumer can drop a repeat.
    /// </summary>
    public string MessageId() => $"{RoutingKey()}:{TokenSha256}";

    /// <summary>The enrollment token <paramref name="tokenSha256"/> on <paramref name="dn"/> expired and was removed.</summary>
    public static TokenExpiredEvent Enrollment(string tokenSha256, string dn, string? uid, string? requestId, string? batchId,
        DateTimeOffset? issuedAt, DateTimeOffset notAfter, DateTimeOffset expiredAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenSha256);
        ArgumentException.ThrowIfNullOrEmpty(dn);
        return new(CurrentVersion, RequestKind.Enrollment, tokenSha256, dn, uid, null, requestId, batchId, issuedAt, notAfter, expiredAt);
    }

    /// <summary>The revocation token <paramref name="tokenSha256"/> on record <paramref name="recordDn"/> expired and was removed.</summary>
    public static TokenExpiredEvent Revocation(string tokenSha256, string recordDn, string serial, string? requestId, string? batchId,
        DateTimeOffset? issuedAt, DateTimeOffset notAfter, DateTimeOffset expiredAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenSha256);
        ArgumentException.ThrowIfNullOrEmpty(recordDn);
        ArgumentException.ThrowIfNullOrEmpty(serial);
        return new(CurrentVersion, RequestKind.Revocation, tokenSha256, recordDn, null, serial, requestId, batchId, issuedAt, notAfter, expiredAt);
    }
}
