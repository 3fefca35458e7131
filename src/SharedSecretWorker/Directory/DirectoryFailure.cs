namespace SharedSecretWorker.Directory;

/// <summary>
/// Why a directory operation failed, in the terms a caller acts on. The daemon maps these to the
/// contract's result codes (unknown-uid, ambiguous-uid, unknown-serial, forbidden,
/// directory-unavailable); <see cref="DirectoryException.IsTransient"/> says whether retrying later can help.
/// </summary>
public enum DirectoryFailure
{
    /// <summary>The uid is not acceptable (empty, too long, control or non-ASCII characters); no LDAP call was made.</summary>
    InvalidUid,

    /// <summary>No entry under the people base has this uid: the CA would find no token either.</summary>
    UnknownUid,

    /// <summary>Several entries share the uid; the CA would silently take the first one, so nothing is written.</summary>
    AmbiguousUid,

    /// <summary>No certificate record <c>cn=&lt;serial&gt;</c> exists under the certificate repository base.</summary>
    UnknownSerial,

    /// <summary>
    /// The bind identity may not write this entry (LDAP insufficientAccessRights, 50), though it may
    /// write the same attribute where the worker writes (the base): the entry is protected on purpose.
    /// </summary>
    Forbidden,

    /// <summary>
    /// The bind identity may not write the token attribute where the worker writes at all (LDAP 50
    /// on the entry and on its base): the worker's access rules (ACI) are missing or changed. The
    /// worker's own fault; an operator must fix the ACI.
    /// </summary>
    InsufficientAccess,

    /// <summary>The bind itself was refused (invalid credentials, 49, or a server policy such as confidentiality required).</summary>
    AuthenticationFailed,

    /// <summary>The server refused the change itself: schema, syntax or constraint violation, unwilling to perform.</summary>
    Rejected,

    /// <summary>Other writers kept changing the record; the bounded optimistic-concurrency retries ran out.</summary>
    Conflict,

    /// <summary>The server is down, busy, unavailable, timed out, or the connection was lost.</summary>
    Unavailable,

    /// <summary>The directory does not look like the configuration says (a base entry is missing, a needed control is unsupported).</summary>
    Misconfigured,
}
