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
    /// Deletes exactly the value <paramref name="token"/> of the enrollment token attribute of
    /// <paramref name="dn"/>. False when the entry no longer holds that value (a newer token, or
    /// another worker removed it): nothing changed.
    /// </summary>
    Task<bool> RemoveEnrollmentTokenAsync(string dn, string token, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes exactly the <c>metaInfo</c> value <paramref name="revocationTokenValue"/> of the record
    /// <paramref name="recordDn"/>, every other value untouched. False when the value is gone.
    /// </summary>
    Task<bool> RemoveRevocationTokenAsync(string recordDn, string revocationTokenValue, CancellationToken cancellationToken);

    /// <summary>The checkpoint kept on <paramref name="entryDn"/>, or null when it holds none yet.</summary>
    Task<DateTimeOffset?> ReadCheckpointAsync(string entryDn, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the checkpoint on <paramref name="entryDn"/> to <paramref name="checkpoint"/> unless it is
    /// there or later already (several workers write it; it never goes back). True when it moved.
    /// </summary>
    Task<bool> AdvanceCheckpointAsync(string entryDn, DateTimeOffset checkpoint, CancellationToken cancellationToken);
}
