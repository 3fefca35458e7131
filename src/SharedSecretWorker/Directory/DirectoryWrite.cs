namespace SharedSecretWorker.Directory;

/// <summary>The outcome of a successful directory write or clear.</summary>
/// <param name="Dn">The DN of the entry written, as the server returned it (the CA's profile needs it as the subject DN).</param>
/// <param name="Changed">False when a clear found nothing to remove.</param>
/// <param name="Attempts">Modify attempts made; more than one means another writer raced this one (optimistic concurrency).</param>
public sealed record DirectoryWrite(string Dn, bool Changed, int Attempts)
{
    /// <summary>
    /// For a token write: the token it replaced, as the CA would have read it (null when there was
    /// none), so that a write whose passphrase never goes out can be undone (<see cref="IDirectoryStore.RestoreEnrollmentTokenAsync"/>).
    /// Taken atomically with the write (LDAP Pre-Read control, RFC 4527, or the exact values deleted).
    /// </summary>
    public string? Replaced { get; init; }

    /// <summary>
    /// For a token write: the metadata line written beside the token (docs/token-lifecycle.md, "A lifetime"),
    /// or null when none was written (the <c>shrTok</c>-on-record revocation variant keeps none).
    /// </summary>
    public string? Info { get; init; }

    /// <summary>
    /// For a token write: the metadata line that stood beside the replaced token (enrollment: its
    /// <c>shrTokInfo</c>; revocation: the line of its <c>revShrTokInfo:</c> value), null when there was none;
    /// put back with the token by an undo, so that the line always belongs to the token beside it.
    /// </summary>
    public string? ReplacedInfo { get; init; }

    /// <summary>For an enrollment token write: the <c>shrTokNotAfter</c> value replaced, as the directory held it.</summary>
    public string? ReplacedNotAfter { get; init; }
}
