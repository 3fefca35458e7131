namespace SharedSecretWorker.Directory;

/// <summary>
/// The directory seam of the token lifecycle (docs/token-lifecycle.md): watch the CA's
/// certificate records, read the entries they name, and remove a used token by its exact value, so
/// that a newer token written meanwhile stays and only one of several workers removes it.
/// Failures are <see cref="DirectoryException"/>s.
/// </summary>
public interface ITokenLifecycleDirectory
{
    /// <summary>Opens a connection of its own and registers a persistent search for records added or modified under <paramref name="certificateBase"/>.</summary>
    Task<ICertificateRecordWatch> WatchAsync(string certificateBase, CancellationToken cancellationToken);

    /// <summary>
    /// The entry named <paramref name="dn"/> (a certificate's subject as the CA wrote it), or null
    /// when there is none or <paramref name="dn"/> is not a DN.
    /// </summary>
    Task<TokenHolder?> ReadTokenHolderAsync(string dn, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes exactly the value <paramref name="holder"/>.Token of the enrollment token attribute of
    /// the holder's entry, and in the same modify exactly the <c>shrTokInfo</c> and <c>shrTokNotAfter</c>
    /// values read with it (none when it had none). False when the entry no longer holds those values
    /// (a newer token, or another worker removed it): nothing changed.
    /// </summary>
    Task<bool> RemoveEnrollmentTokenAsync(TokenHolder holder, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes exactly the <c>metaInfo</c> value <paramref name="revocationTokenValue"/> of the record
    /// <paramref name="recordDn"/> and, in the same modify, exactly the <paramref name="infoValues"/>
    /// (<c>revShrTokInfo:</c> values read with it), every other value untouched. False when a value is gone.
    /// </summary>
    Task<bool> RemoveRevocationTokenAsync(string recordDn, string revocationTokenValue, IReadOnlyList<string> infoValues, CancellationToken cancellationToken);

    /// <summary>
    /// Every entry under <c>Directory:PeopleBase</c> that holds a token whose <c>shrTokNotAfter</c> is at or
    /// before <paramref name="now"/> (an indexed search, in pages), with its token, metadata and uid.
    /// </summary>
    Task<IReadOnlyList<TokenHolder>> FindExpiredEnrollmentTokensAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Every certificate record under <paramref name="certificateBase"/> that holds a <c>revShrTokInfo:</c>
    /// value (in pages), with its revocation tokens and metadata values; expiry is decided by the caller.
    /// </summary>
    Task<IReadOnlyList<CertificateRecord>> FindRevocationTokenInfoAsync(string certificateBase, CancellationToken cancellationToken);

    /// <summary>The checkpoint kept on <paramref name="entryDn"/>, or null when it holds none yet.</summary>
    Task<DateTimeOffset?> ReadCheckpointAsync(string entryDn, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the checkpoint on <paramref name="entryDn"/> to <paramref name="checkpoint"/> unless it is
    /// there or later already (several workers write it; it never goes back). True when it moved.
    /// </summary>
    Task<bool> AdvanceCheckpointAsync(string entryDn, DateTimeOffset checkpoint, CancellationToken cancellationToken);
}
