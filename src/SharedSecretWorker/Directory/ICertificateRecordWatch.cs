namespace SharedSecretWorker.Directory;

/// <summary>
/// One watch of the CA's certificate records on a connection of its own: a persistent search for
/// records added or modified (registered before <see cref="ITokenLifecycleDirectory.WatchAsync"/>
/// returns), and catch-up searches on the same connection. Disposing it ends the search and closes
/// the connection. Any failure of the connection or the search is a <see cref="DirectoryException"/>;
/// the watch is then over and a new one must be opened.
/// </summary>
public interface ICertificateRecordWatch : IAsyncDisposable
{
    /// <summary>
    /// Records the CA created or revoked at or after <paramref name="since"/> (by the CA's
    /// <c>dateOfCreate</c> and <c>revokedOn</c>), in pages.
    /// </summary>
    IAsyncEnumerable<CertificateRecord> FindChangedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The next change the persistent search reported, in the order the server sent them.</summary>
    ValueTask<CertificateRecordChange> NextChangeAsync(CancellationToken cancellationToken);

    /// <summary>A change already received, without waiting; false when none is waiting.</summary>
    bool TryNextChange(out CertificateRecordChange? change);

    /// <summary>Round trip on the watch's connection: fails when the server no longer answers on it.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);
}
