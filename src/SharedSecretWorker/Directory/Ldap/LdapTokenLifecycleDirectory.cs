using System.DirectoryServices.Protocols;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// <see cref="ITokenLifecycleDirectory"/>: the watch on a connection of its own
/// (<see cref="LdapStreamConnection"/>), reads and exact-value deletes through a pool of its own
/// (System.DirectoryServices.Protocols, as the store's), so that the lifecycle never waits for a
/// connection that requests need.
/// </summary>
internal sealed class LdapTokenLifecycleDirectory : ITokenLifecycleDirectory, IDisposable
{
    /// <summary>The checkpoint entry's attribute: any entry that allows description can hold it.</summary>
    public const string CheckpointAttribute = "description";

    private const string ModifyTimestamp = "modifyTimestamp";
    private const string Uid = "uid";

    /// <summary>Connections of the lifecycle's pool: it works one change at a time.</summary>
    private const int PoolConnections = 2;

    private readonly DirectoryOptions _options;
    private readonly LdapConnectionFactory _factory;
    private readonly LdapConnectionPool _pool;

    public LdapTokenLifecycleDirectory(IOptions<DirectoryOptions> options, ILogger<LdapTokenLifecycleDirectory> logger)
    {
        _options = options.Value;
        _factory = new LdapConnectionFactory(_options);
        _pool = new LdapConnectionPool(_factory, WithConnections(_options, PoolConnections), logger);
    }

    private static DirectoryOptions WithConnections(DirectoryOptions options, int connections) => new()
    {
        Url = options.Url,
        StartTls = options.StartTls,
        CaFile = options.CaFile,
        BindDn = options.BindDn,
        BindPasswordFile = options.BindPasswordFile,
        PeopleBase = options.PeopleBase,
        CertificateRepositoryBase = options.CertificateRepositoryBase,
        RevocationTokenAttribute = options.RevocationTokenAttribute,
        EnrollmentTokenAttribute = options.EnrollmentTokenAttribute,
        MaxConnections = Math.Min(connections, options.MaxConnections),
        OperationTimeout = options.OperationTimeout,
        ConnectTimeout = options.ConnectTimeout,
        MaxConcurrencyRetries = options.MaxConcurrencyRetries,
    };

    public async Task<ICertificateRecordWatch> WatchAsync(string certificateBase, CancellationToken cancellationToken)
    {
        var connection = await LdapStreamConnection.OpenAsync(_options, cancellationToken).ConfigureAwait(false);
        try
        {
            return await LdapCertificateRecordWatch.StartAsync(connection, certificateBase, _options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<TokenHolder?> ReadTokenHolderAsync(string dn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dn);
        var attribute = _options.EnrollmentTokenAttribute;
        return RunAsync($"Reading the token holder '{dn}'", dn, cancellationToken, connection =>
        {
            SearchResponse response;
            try
            {
                response = LdapOperations.Search(connection, new SearchRequest(dn, LdapOperations.AnyObjectFilter, SearchScope.Base, Uid, attribute, ModifyTimestamp));
            }
            catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is LdapResultCodes.NoSuchObject or LdapResultCodes.InvalidDnSyntax)
            {
                return null;
            }
            if (response.Entries.Count != 1) return null;
            var entry = response.Entries[0];
            var tokens = LdapValues.Of(entry, attribute);
            return new TokenHolder(entry.DistinguishedName, LdapValues.Strings(entry, Uid).FirstOrDefault(),
                tokens.Count == 0 ? null : Encoding.ASCII.GetString(tokens[0]),
                GeneralizedTime.Parse(LdapValues.Strings(entry, ModifyTimestamp).FirstOrDefault()));
        });
    }

    public Task<bool> RemoveEnrollmentTokenAsync(string dn, string token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dn);
        ArgumentException.ThrowIfNullOrEmpty(token);
        // shrTok is an Octet String: the value is the token's ASCII bytes, matched byte for byte.
        return DeleteValueAsync($"Removing the used enrollment token of '{dn}'", dn, _options.EnrollmentTokenAttribute, Encoding.ASCII.GetBytes(token), token,
            cancellationToken);
    }

    public Task<bool> RemoveRevocationTokenAsync(string recordDn, string revocationTokenValue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordDn);
        ArgumentException.ThrowIfNullOrEmpty(revocationTokenValue);
        return DeleteValueAsync($"Removing the used revocation token of '{recordDn}'", recordDn, RevocationTokenValues.MetaInfoAttribute,
            Encoding.UTF8.GetBytes(revocationTokenValue), CertificateRecord.TokenOf(revocationTokenValue), cancellationToken);
    }

    /// <summary>
    /// One modify deleting one value: the server applies it whole or not at all, and answers
    /// noSuchAttribute (16) when the value is not there, so of several workers one succeeds and a
    /// newer token is never touched.
    /// </summary>
    private Task<bool> DeleteValueAsync(string operation, string dn, string attribute, byte[] value, string redact, CancellationToken cancellationToken) =>
        RunAsync(operation, dn, cancellationToken, connection =>
        {
            try
            {
                connection.SendRequest(new ModifyRequest(dn, DirectoryAttributeOperation.Delete, attribute, value), connection.Timeout);
                return true;
            }
            catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is LdapResultCodes.NoSuchAttribute or LdapResultCodes.NoSuchObject)
            {
                return false;
            }
            catch (DirectoryOperationException e)
            {
                throw LdapFailures.Classify(e, operation, dn, DirectoryFailure.Misconfigured, redact);
            }
        }, redact);

    public Task<DateTimeOffset?> ReadCheckpointAsync(string entryDn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryDn);
        return RunAsync($"Reading the lifecycle checkpoint on '{entryDn}'", entryDn, cancellationToken,
            connection => Latest(ReadCheckpointValues(connection, entryDn)));
    }

    public async Task<bool> AdvanceCheckpointAsync(string entryDn, DateTimeOffset checkpoint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryDn);
        var operation = $"Moving the lifecycle checkpoint on '{entryDn}'";
        var attempts = _options.MaxConcurrencyRetries + 1;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var outcome = await RunAsync(operation, entryDn, cancellationToken, connection =>
            {
                var values = ReadCheckpointValues(connection, entryDn);
                if (Latest(values) is { } latest && latest >= checkpoint) return (bool?)false;
                // Compare-and-swap: delete exactly the values read, add the new one. A writer that
                // changed them in between makes the delete fail (16), and this one reads again.
                var request = new ModifyRequest(entryDn);
                if (values.Count > 0)
                    request.Modifications.Add(LdapValues.Modification(CheckpointAttribute, DirectoryAttributeOperation.Delete, [.. values.Select(Encoding.UTF8.GetBytes)]));
                request.Modifications.Add(LdapValues.Modification(CheckpointAttribute, DirectoryAttributeOperation.Add, Encoding.UTF8.GetBytes(GeneralizedTime.Format(checkpoint))));
                var written = LdapOperations.Modify(connection, request, DirectoryFailure.Misconfigured, operation, null,
                    LdapResultCodes.NoSuchAttribute, LdapResultCodes.AttributeOrValueExists);
                return written.Result is null ? null : (bool?)true;
            }).ConfigureAwait(false);
            if (outcome is { } moved) return moved;
        }
        throw new DirectoryException(DirectoryFailure.Conflict,
            $"{operation} failed: other workers kept changing it ({DirectoryOptions.SectionName}:MaxConcurrencyRetries is {_options.MaxConcurrencyRetries}).", entryDn);
    }

    private static List<string> ReadCheckpointValues(LdapConnection connection, string entryDn)
    {
        SearchResponse response;
        try
        {
            response = LdapOperations.Search(connection, new SearchRequest(entryDn, LdapOperations.AnyObjectFilter, SearchScope.Base, CheckpointAttribute));
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
        {
            throw MissingCheckpointEntry(entryDn, e);
        }
        // 389 DS answers a base search on an entry the bind may not read with no entry.
        if (response.Entries.Count != 1) throw MissingCheckpointEntry(entryDn, null);
        return LdapValues.Strings(response.Entries[0], CheckpointAttribute);
    }

    private static DirectoryException MissingCheckpointEntry(string dn, Exception? inner) =>
        new(DirectoryFailure.Misconfigured, $"The checkpoint entry '{dn}' does not exist, or the bind may not read it.", dn,
            inner is null ? null : LdapResultCodes.NoSuchObject, inner);

    /// <summary>The latest checkpoint among the values (several workers may have added one at once); values of another form are ignored.</summary>
    private static DateTimeOffset? Latest(IEnumerable<string> values) =>
        values.Select(GeneralizedTime.Parse).Where(v => v is not null).Max();

    private async Task<T> RunAsync<T>(string operation, string dn, CancellationToken cancellationToken, Func<LdapConnection, T> call, string? redact = null)
    {
        try
        {
            return await _pool.RunAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DirectoryOperationException or LdapException)
        {
            throw LdapFailures.Classify(e, operation, dn, DirectoryFailure.Misconfigured, redact);
        }
    }

    public void Dispose()
    {
        _pool.Dispose();
        _factory.Dispose();
    }
}
