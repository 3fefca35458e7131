namespace SharedSecretWorker.Directory;

/// <summary>
/// A directory operation failed. The message names the entry's DN and the LDAP result code, never
/// a token or a password.
/// </summary>
public sealed class DirectoryException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> must not contain a token or a secret.</summary>
    public DirectoryException(DirectoryFailure kind, string message, string? dn = null, int? ldapResultCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Dn = dn;
        LdapResultCode = ldapResultCode;
    }

    /// <summary>What went wrong, in the caller's terms.</summary>
    public DirectoryFailure Kind { get; }

    /// <summary>The DN of the entry concerned, when one is known.</summary>
    public string? Dn { get; }

    /// <summary>The LDAP result code (RFC 4511 section 4.1.9, or the client library's code such as 81 server down), when the server or library gave one.</summary>
    public int? LdapResultCode { get; }

    /// <summary>
    /// For an operation abandoned after <c>Directory:OperationTimeout</c>: the call, which keeps running in
    /// libldap and may still change the entry; it completes when the call really ends. Whoever orders
    /// work on the entry holds it until then, so that a late write never lands after a newer one.
    /// </summary>
    public Task? StillRunning { get; init; }

    /// <summary>The attribute the failed write was for, when known (<see cref="DirectoryFailure.InsufficientAccess"/>).</summary>
    public string? Attribute { get; init; }

    /// <summary>
    /// For a fault of the worker's own setup, what an operator must fix, in one line for /readyz
    /// (e.g. <c>insufficient access (LDAP 50) writing shrTok on '...' as '...'; check the worker's ACI</c>).
    /// </summary>
    public string? Problem { get; init; }

    /// <summary>True when the same request may succeed later without anyone changing anything (server down, busy, timeout, write conflict).</summary>
    public bool IsTransient => Kind is DirectoryFailure.Unavailable or DirectoryFailure.Conflict;
}
