namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// What a request writes to: a user's entry (by uid) or a certificate record (by serial). A closed
/// set: the two cases below are the only ones, so a switch over them is exhaustive.
/// </summary>
public abstract record RequestTarget
{
    private RequestTarget()
    {
    }

    /// <summary>A user's entry, found by uid as the CA finds it (enrollment, clear by uid).</summary>
    /// <param name="Uid">The uid as the request spelled it.</param>
    public sealed record User(string Uid) : RequestTarget;

    /// <summary>A certificate record, found by serial (revocation, clear by serial).</summary>
    /// <param name="Serial">The certificate's serial.</param>
    public sealed record Certificate(CertificateSerial Serial) : RequestTarget;

    /// <summary>
    /// The key that orders work on this target: enrollment and clear-by-uid share the uid's, compared
    /// as the directory compares uids (<see cref="UidMatching"/>: <c>jdoe</c> and <c>JDoe</c> are one
    /// entry), revocation and clear-by-serial the serial's (in decimal, however the request spelled it).
    /// </summary>
    public string Key => this switch
    {
        User user => "uid:" + UidMatching.Fold(user.Uid),
        Certificate certificate => "serial:" + certificate.Serial.Decimal,
        _ => throw new InvalidOperationException("Unknown target."),
    };
}
