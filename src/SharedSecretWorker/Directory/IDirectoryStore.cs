using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Directory;

/// <summary>
/// The directory seam: writes shared tokens exactly where the Dogtag CA reads them
/// (docs/cmc-shared-token.md, "Enrollment" and "Revocation") and reads them back the way the CA does.
/// Failures are <see cref="DirectoryException"/>s; invalid uids fail before any LDAP call.
/// </summary>
public interface IDirectoryStore
{
    /// <summary>
    /// Finds the single entry with this uid under <c>Directory:PeopleBase</c> and, in one modify, adds
    /// <c>objectClass: extensibleObject</c> if missing and replaces the enrollment token attribute with <paramref name="token"/>,
    /// and <c>shrTokInfo</c> and <c>shrTokNotAfter</c> with <paramref name="metadata"/> (no <c>shrTokNotAfter</c> when it never expires).
    /// </summary>
    /// <param name="uid">The user's uid (see <see cref="UidSyntax"/>).</param>
    /// <param name="token">Single-line standard base64, as the CA decodes it.</param>
    /// <param name="metadata">What is kept beside the token (docs/token-lifecycle.md, "A lifetime").</param>
    /// <param name="cancellationToken">Cancels waiting for a connection; a started LDAP call runs to its timeout.</param>
    Task<DirectoryWrite> StoreEnrollmentTokenAsync(string uid, string token, TokenMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the revocation token on the record <c>cn=&lt;decimal serial&gt;,&lt;Directory:CertificateRepositoryBase&gt;</c>,
    /// leaving exactly one token value and every other value untouched, and beside it the metaInfo value
    /// <c>revShrTokInfo:</c> with <paramref name="metadata"/>, in the same modify.
    /// </summary>
    Task<DirectoryWrite> StoreRevocationTokenAsync(CertificateSerial serial, string token, TokenMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Removes the enrollment token (with its metadata) from the user's entry; succeeds (Changed false) if there is none.</summary>
    Task<DirectoryWrite> ClearEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default);

    /// <summary>Removes the revocation token (with its metadata) from the certificate record; succeeds (Changed false) if there is none.</summary>
    Task<DirectoryWrite> ClearRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default);

    /// <summary>Reads the enrollment token with the CA's search.</summary>
    Task<DirectoryRead> ReadEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default);

    /// <summary>Reads the revocation token as the CA parses the record.</summary>
    Task<DirectoryRead> ReadRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default);

    /// <summary>
    /// Undoes <paramref name="written"/> (a store of <paramref name="token"/>) while, and only while, the
    /// entry still holds <paramref name="token"/>: one modify deletes that exact value and puts back
    /// <see cref="DirectoryWrite.Replaced"/> (or nothing), and the metadata with it. A newer token written meanwhile makes the
    /// delete fail and nothing changes (<see cref="DirectoryWrite.Changed"/> false).
    /// </summary>
    Task<DirectoryWrite> RestoreEnrollmentTokenAsync(DirectoryWrite written, string token, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="RestoreEnrollmentTokenAsync"/>, for a revocation token on its certificate record.</summary>
    Task<DirectoryWrite> RestoreRevocationTokenAsync(DirectoryWrite written, string token, CancellationToken cancellationToken = default);

    /// <summary>Start-up check: the bind works, both bases exist, and the server supports what the writer relies on.</summary>
    Task CheckAsync(CancellationToken cancellationToken = default);

    /// <summary>Calls abandoned after their timeout that have not returned yet (liveness and readiness count them).</summary>
    int AbandonedCalls => 0;

    /// <summary>How many abandoned calls may be stuck at once before the worker is no longer live.</summary>
    int AbandonedLimit => int.MaxValue;

    /// <summary>
    /// Whether the bind may write <paramref name="attribute"/> on <paramref name="dn"/>, changing
    /// nothing (the circuit breaker's probe after <see cref="DirectoryFailure.InsufficientAccess"/>).
    /// Fails with that kind while it may not; succeeds when it may, or when the entry is gone.
    /// </summary>
    Task CheckWriteAccessAsync(string dn, string attribute, CancellationToken cancellationToken = default);
}
