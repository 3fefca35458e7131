using System.Text.Json.Serialization;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>
/// What the hand-off service needs to get a passphrase to its person (docs/messages.md, Delivery
/// notice), published to the notices exchange with the channel name as routing key
/// (<see cref="RoutingKey"/>). The passphrase travels only sealed to the channel's certificate.
/// </summary>
/// <param name="RequestId">The request's id.</param>
/// <param name="BatchId">The batch of a bulk request.</param>
/// <param name="Kind">enrollment or revocation.</param>
/// <param name="Dn">The entry (enrollment: the CA's profile wants it as the subject DN) or certificate record written.</param>
/// <param name="Uid">The user, for an enrollment.</param>
/// <param name="Serial">The certificate serial in decimal, for a revocation.</param>
/// <param name="Delivery">Channel and address from the request.</param>
/// <param name="TokenSha256">Lower-case hex SHA-256 of the stored token text, as in the result.</param>
/// <param name="IssuedAt">When the token was stored, UTC.</param>
/// <param name="SealedPassphrase">Base64 of the DER CMS EnvelopedData holding the passphrase (the daemon's PassphraseSealer; opened by <see cref="Sealing.PassphraseUnsealer"/>).</param>
public sealed record DeliveryNotice(
    [property: JsonRequired] string RequestId,
    string? BatchId,
    [property: JsonRequired] RequestKind Kind,
    [property: JsonRequired] string Dn,
    string? Uid,
    string? Serial,
    [property: JsonRequired] DeliveryTarget Delivery,
    [property: JsonRequired] string TokenSha256,
    [property: JsonRequired] DateTimeOffset IssuedAt,
    [property: JsonRequired] string SealedPassphrase)
{
    /// <summary>
    /// When the token expires, UTC, whole seconds: after it the passphrase no longer works, so the
    /// hand-off service may say so or give up delivering. Null when it never expires.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Routing key on the notices exchange: the delivery channel's name.</summary>
    public string RoutingKey() => Delivery.Channel;

    /// <summary>The notice for a stored token of <paramref name="request"/> (which has a delivery).</summary>
    public static DeliveryNotice For(WorkRequest request, string dn, string tokenSha256, DateTimeOffset issuedAt, string sealedPassphrase)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(dn);
        ArgumentException.ThrowIfNullOrEmpty(tokenSha256);
        ArgumentException.ThrowIfNullOrEmpty(sealedPassphrase);
        var delivery = request.Delivery
            ?? throw new ArgumentException($"A {request.Kind.ToWireName()} request has no delivery; only enrollments and revocations get a notice.", nameof(request));
        return new(request.RequestId, request.BatchId, request.Kind, dn, request.Uid, request.Serial?.Decimal,
            delivery, tokenSha256, issuedAt, sealedPassphrase);
    }
}
