
namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// A valid request (docs/messages.md). Which optional members are set follows from
/// <see cref="Kind"/>: an enrollment has <see cref="Uid"/> and <see cref="Delivery"/>; a
/// revocation has <see cref="Serial"/> and <see cref="Delivery"/>; a clear has exactly one of
/// <see cref="Uid"/> or <see cref="Serial"/> and no delivery.
/// </summary>
/// <param name="Kind">What is asked.</param>
/// <param name="RequestId">The idempotency key: the body's requestId, else the AMQP message_id.</param>
/// <param name="BatchId">Set for bulk requests (they travel on the bulk queue).</param>
/// <param name="Uid">The user (enrollment, or clear of an enrollment token).</param>
/// <param name="Serial">The certificate (revocation, or clear of a revocation token).</param>
/// <param name="Delivery">Where the passphrase goes (enrollment and revocation).</param>
public sealed record WorkRequest(
    RequestKind Kind,
    string RequestId,
    string? BatchId,
    string? Uid,
    CertificateSerial? Serial,
    DeliveryTarget? Delivery)
{
    /// <summary>
    /// The lifetime the request asks for its token (<c>lifetimeSeconds</c>: enrollment and revocation
    /// only); null: the worker's <c>Token:Lifetime</c>. An init member rather than a positional one, so
    /// that the callers that build requests without it stay as they are.
    /// </summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>True for a request of a bulk batch (it has a batchId).</summary>
    public bool IsBulk => BatchId is not null;

    /// <summary>The entry or record this request writes to: the uid's when it names one, else the serial's.</summary>
    public RequestTarget Target => Uid is not null
        ? new RequestTarget.User(Uid)
        : new RequestTarget.Certificate(Serial ?? throw new InvalidOperationException("A request names a uid or a serial."));
}
