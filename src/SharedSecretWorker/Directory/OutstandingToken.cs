using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Directory;

/// <summary>
/// A token now in the directory where the CA would read it (docs/token-lifecycle.md, "Outstanding
/// tokens"): on a user's entry (enrollment) or in a certificate record's metaInfo (revocation). Never the
/// token itself: its SHA-256, as results carry it.
/// </summary>
/// <param name="Kind">enrollment or revocation.</param>
/// <param name="Dn">The entry or record that holds it.</param>
/// <param name="Uid">The user's uid (enrollment).</param>
/// <param name="Serial">The certificate's serial in decimal (revocation).</param>
/// <param name="TokenSha256">Lower-case hex SHA-256 of the token text.</param>
/// <param name="Metadata">What the worker recorded beside it, when that record belongs to this token (same SHA-256); null for a token written before records were kept, or by hand.</param>
/// <param name="EntryModifiedAt">The entry's modifyTimestamp: no earlier than the token's write.</param>
/// <param name="HolderDn">The person the token is for: the entry itself (enrollment), or the certificate's subject as the record names it (revocation; the user's entry DN for a certificate issued through a shared-token profile), null when the record names none.</param>
public sealed record OutstandingToken(
    RequestKind Kind,
    string Dn,
    string? Uid,
    string? Serial,
    string TokenSha256,
    TokenMetadata? Metadata,
    DateTimeOffset? EntryModifiedAt,
    string? HolderDn = null)
{
    /// <summary>The token's issue time when recorded, else the entry's last change (a lower bound of its age).</summary>
    public DateTimeOffset? IssuedAt => Metadata?.IssuedAt ?? EntryModifiedAt;

    /// <summary>The token's age at <paramref name="now"/>; null when neither time is known.</summary>
    public TimeSpan? AgeAt(DateTimeOffset now) => IssuedAt is { } issued ? now - issued : null;

    /// <summary>When it expires; null when it never does or it is not known.</summary>
    public DateTimeOffset? NotAfter => Metadata?.NotAfter;

    /// <summary>Whether it is still in the directory after its expiry (the sweep is behind, or stopped).</summary>
    public bool IsOverdueAt(DateTimeOffset now) => Metadata?.IsExpiredAt(now) == true;

    /// <summary>The target as requests name it: the uid, or the serial.</summary>
    public string Target => Uid ?? Serial ?? Dn;
}
