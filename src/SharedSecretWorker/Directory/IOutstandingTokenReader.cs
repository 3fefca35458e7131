namespace SharedSecretWorker.Directory;

/// <summary>
/// Lists every token now in the directory (docs/token-lifecycle.md, "Outstanding tokens"): for
/// <c>shrtok tokens</c> and the outstanding-token gauge. Reads only; failures are <see cref="DirectoryException"/>s.
/// </summary>
public interface IOutstandingTokenReader
{
    /// <summary>Every enrollment token under <c>Directory:PeopleBase</c>, then every revocation token under <c>Directory:CertificateRepositoryBase</c>, in pages.</summary>
    IAsyncEnumerable<OutstandingToken> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>The first value of <paramref name="attribute"/> on the entry <paramref name="dn"/> (a re-key's delivery address, <c>mail</c> by default); null when the entry or the value is not there.</summary>
    Task<string?> ReadAttributeAsync(string dn, string attribute, CancellationToken cancellationToken);
}
