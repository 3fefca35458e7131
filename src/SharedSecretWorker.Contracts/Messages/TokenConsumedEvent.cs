using System.Text.Json.Serialization;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>
/// A token was used and has been removed from the directory (docs/token-lifecycle.md): an
/// enrollment token once the CA issued a certificate to its entry, a revocation token once its
/// certificate was revoked. Published on the results exchange with routing key
/// <c>&lt;kind&gt;.consumed</c> (<see cref="RoutingKey"/>) by the one worker whose removal succeeded.
/// The request that stored the token is not known here: <see cref="TokenSha256"/> matches the
/// <c>tokenSha256</c> of that request's <c>stored</c> result and notice.
/// JSON: camelCase, null members omitted (<see cref="MessageJson"/>).
/// </summary>
/// <param name="Version">Message version, <see cref="CurrentVersion"/>.</param>
/// <param name="Kind">enrollment or revocation.</param>
/// <param name="TokenSha256">Lower-case hex SHA-256 of the removed token text (<see cref="TokenDigest"/>).</param>
/// <param name="Dn">Where the token was: the user's entry (enrollment) or the certificate record (revocation), as in the <c>stored</c> result.</param>
/// <param name="Uid">The user's uid, for an enrollment, when the entry has one.</param>
/// <param name="Serial">The certificate's serial in decimal (the record's <c>cn</c>): the certificate issued with the token, or the one revoked.</param>
/// <param name="CertificateRecordDn">The certificate record that showed the token used.</param>
/// <param name="RecordCreatedAt">Enrollment: when the directory created the certificate record (its <c>createTimestamp</c>), UTC.</param>
/// <param name="RevokedAt">Revocation: the record's <c>revokedOn</c>, as the CA wrote it.</param>
/// <param name="ConsumedAt">When this worker removed the token, UTC.</param>
public sealed record TokenConsumedEvent(
    [property: JsonRequired] int Version,
    [property: JsonRequired] RequestKind Kind,
    [property: JsonRequired] string TokenSha256,
    [property: JsonRequired] string Dn,
    string? Uid,
    [property: JsonRequired] string Serial,
    [property: JsonRequired] string CertificateRecordDn,
    DateTimeOffset? RecordCreatedAt,
    DateTimeOffset? RevokedAt,
    [property: JsonRequired] DateTimeOffset ConsumedAt)
{
    /// <summary>
    /// The request that wrote the token, when the worker found its metadata beside it (tokens written
    /// before lifetimes existed have none). An optional member added later: null is omitted.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>The batch of that request, when known and the request was part of one.</summary>
    public string? BatchId { get; init; }

    /// <summary>The event's message version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Second routing-key word of the event.</summary>
    public const string RoutingKeyWord = "consumed";

    /// <summary>Routing key on the results exchange: <c>enrollment.consumed</c> or <c>revocation.consumed</c>.</summary>
    public string RoutingKey() => $"{Kind.ToWireName()}.{RoutingKeyWord}";

    /// <summary>
    /// AMQP message_id of the event: the same for every worker and every attempt that reports this
    /// token's removal, so that a consumer can drop a repeat.
    /// </summary>
    public string MessageId() => $"{RoutingKey()}:{TokenSha256}";

    /// <summary>The enrollment token <paramref name="tokenSha256"/> on <paramref name="dn"/> was removed after the CA issued certificate <paramref name="serial"/>.</summary>
    public static TokenConsumedEvent Enrollment(string tokenSha256, string dn, string? uid, string serial, string certificateRecordDn,
        DateTimeOffset? recordCreatedAt, DateTimeOffset consumedAt)
    {
        Check(tokenSha256, dn, serial, certificateRecordDn);
        return new(CurrentVersion, RequestKind.Enrollment, tokenSha256, dn, uid, serial, certificateRecordDn, recordCreatedAt, null, consumedAt);
    }

    /// <summary>The revocation token <paramref name="tokenSha256"/> on record <paramref name="certificateRecordDn"/> was removed after the certificate was revoked.</summary>
    public static TokenConsumedEvent Revocation(string tokenSha256, string serial, string certificateRecordDn, DateTimeOffset? revokedAt, DateTimeOffset consumedAt)
    {
        Check(tokenSha256, certificateRecordDn, serial, certificateRecordDn);
        return new(CurrentVersion, RequestKind.Revocation, tokenSha256, certificateRecordDn, null, serial, certificateRecordDn, null, revokedAt, consumedAt);
    }

    private static void Check(string tokenSha256, string dn, string serial, string certificateRecordDn)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenSha256);
        ArgumentException.ThrowIfNullOrEmpty(dn);
        ArgumentException.ThrowIfNullOrEmpty(serial);
        ArgumentException.ThrowIfNullOrEmpty(certificateRecordDn);
    }
}
