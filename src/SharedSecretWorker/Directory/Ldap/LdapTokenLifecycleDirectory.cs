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

    /// <summary>
    /// How far back the search by exact expiry reaches when the range search exceeds the directory's
    /// limits: longer than any sweep interval, so that fresh expiries keep being removed meanwhile.
    /// </summary>
    public static readonly TimeSpan LimitedExpiryWindow = TimeSpan.FromMinutes(10);

    private readonly DirectoryOptions _options;
    private readonly ILogger _logger;
    private int _limitReported;
    private readonly LdapConnectionFactory _factory;
    private readonly LdapConnectionPool _pool;

    public LdapTokenLifecycleDirectory(IOptions<DirectoryOptions> options, ILogger<LdapTokenLifecycleDirectory> logger)
    {
        _options = options.Value;
        _logger = logger;
        _factory = new LdapConnectionFactory(_options);
        _pool = new LdapConnectionPool(_factory, LdapPoolOptions.With(_options, PoolConnections), logger);
    }


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
                response = LdapOperations.Search(connection, new SearchRequest(dn, LdapOperations.AnyObjectFilter, SearchScope.Base,
                    Uid, attribute, ModifyTimestamp, TokenMetadata.EnrollmentAttribute, TokenMetadata.EnrollmentNotAfterAttribute));
            }
            catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is LdapResultCodes.NoSuchObject or LdapResultCodes.InvalidDnSyntax)
            {
                return null;
            }
            return response.Entries.Count != 1 ? null : ToHolder(response.Entries[0]);
        });
    }

    private TokenHolder ToHolder(SearchResultEntry entry)
    {
        var tokens = LdapValues.Of(entry, _options.EnrollmentTokenAttribute);
        return new TokenHolder(entry.DistinguishedName, LdapValues.Strings(entry, Uid).FirstOrDefault(),
            tokens.Count == 0 ? null : Encoding.ASCII.GetString(tokens[0]),
            GeneralizedTime.Parse(LdapValues.Strings(entry, ModifyTimestamp).FirstOrDefault()))
        {
            InfoValue = LdapValues.Strings(entry, TokenMetadata.EnrollmentAttribute).FirstOrDefault(),
            NotAfterValue = LdapValues.Strings(entry, TokenMetadata.EnrollmentNotAfterAttribute).FirstOrDefault(),
        };
    }

    public Task<bool> RemoveEnrollmentTokenAsync(TokenHolder holder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentException.ThrowIfNullOrEmpty(holder.Dn);
        ArgumentException.ThrowIfNullOrEmpty(holder.Token);
        var dn = holder.Dn;
        var request = new ModifyRequest(dn);
        // shrTok is an Octet String: the value is the token's ASCII bytes, matched byte for byte.
        request.Modifications.Add(LdapValues.Modification(_options.EnrollmentTokenAttribute, DirectoryAttributeOperation.Delete, Encoding.ASCII.GetBytes(holder.Token)));
        // Exactly the values read with the token, never the whole attribute: a delete of an absent
        // attribute would fail the modify, and a value written since (a rewrite) must make it fail.
        if (holder.InfoValue is { } info)
            request.Modifications.Add(LdapValues.Modification(TokenMetadata.EnrollmentAttribute, DirectoryAttributeOperation.Delete, Encoding.UTF8.GetBytes(info)));
        if (holder.NotAfterValue is { } notAfter)
            request.Modifications.Add(LdapValues.Modification(TokenMetadata.EnrollmentNotAfterAttribute, DirectoryAttributeOperation.Delete, Encoding.UTF8.GetBytes(notAfter)));
        return DeleteValuesAsync($"Removing the enrollment token of '{dn}'", request, holder.Token, cancellationToken);
    }

    public Task<bool> RemoveRevocationTokenAsync(string recordDn, string revocationTokenValue, IReadOnlyList<string> infoValues, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordDn);
        ArgumentException.ThrowIfNullOrEmpty(revocationTokenValue);
        ArgumentNullException.ThrowIfNull(infoValues);
        var request = new ModifyRequest(recordDn);
        request.Modifications.Add(LdapValues.Modification(RevocationTokenValues.MetaInfoAttribute, DirectoryAttributeOperation.Delete,
            [Encoding.UTF8.GetBytes(revocationTokenValue), .. infoValues.Select(Encoding.UTF8.GetBytes)]));
        return DeleteValuesAsync($"Removing the revocation token of '{recordDn}'", request, CertificateRecord.TokenOf(revocationTokenValue), cancellationToken);
    }

    /// <summary>
    /// One modify deleting exact values: the server applies it whole or not at all, and answers
    /// noSuchAttribute (16) when a value is not there, so of several workers one succeeds and a
    /// newer token is never touched.
    /// </summary>
    private Task<bool> DeleteValuesAsync(string operation, ModifyRequest request, string redact, CancellationToken cancellationToken) =>
        RunAsync(operation, request.DistinguishedName, cancellationToken, connection =>
        {
            try
            {
                connection.SendRequest(request, connection.Timeout);
                return true;
            }
            catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is LdapResultCodes.NoSuchAttribute or LdapResultCodes.NoSuchObject)
            {
                return false;
            }
            catch (DirectoryOperationException e)
            {
                throw LdapFailures.Classify(e, operation, request.DistinguishedName, DirectoryFailure.Misconfigured, redact);
            }
        }, redact);

    /// <remarks>
    /// The filter names the indexed attribute only, <c>(shrTokNotAfter&lt;=NOW)</c>: with an unindexed
    /// <c>(shrTok=*)</c> beside it, 389 DS looks through every entry of the base and answers
    /// adminLimitExceeded (11) on a base of more than <c>nsslapd-lookthroughlimit</c> (5000) people, even
    /// for a handful of expired tokens. An entry with an expiry but no token is skipped here. When more
    /// tokens have expired than the index may list (<c>nsslapd-idlistscanlimit</c>, 4000), the range is
    /// unindexed and fails the same way: then the last <see cref="LimitedExpiryWindow"/> is searched by exact
    /// expiry (an OR of one indexed equality per second, each second's list far below the limit), and
    /// the operator is told once to raise the limit.
    /// </remarks>
    public async Task<IReadOnlyList<TokenHolder>> FindExpiredEnrollmentTokensAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        string[] attributes = [Uid, _options.EnrollmentTokenAttribute, TokenMetadata.EnrollmentAttribute, TokenMetadata.EnrollmentNotAfterAttribute];
        IReadOnlyList<TokenHolder> found;
        try
        {
            found = await PagedSearchAsync("Searching for expired enrollment tokens", _options.PeopleBase,
                $"({TokenMetadata.EnrollmentNotAfterAttribute}<={TokenMetadata.FormatTime(now)})", attributes, ToHolder, cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryException e) when (e.LdapResultCode == LdapResultCodes.AdminLimitExceeded)
        {
            if (Interlocked.Exchange(ref _limitReported, 1) == 0) DirectoryLog.ExpirySearchLimited(_logger, _options.PeopleBase, LimitedExpiryWindow);
            found = await PagedSearchAsync("Searching for recently expired enrollment tokens", _options.PeopleBase, ExactExpiryFilter(now, LimitedExpiryWindow),
                attributes, ToHolder, cancellationToken).ConfigureAwait(false);
        }
        return found.Where(h => h.Token is not null).ToList();
    }

    /// <summary><c>(|(shrTokNotAfter=T)(shrTokNotAfter=T-1s)…)</c> over <paramref name="window"/> up to <paramref name="now"/>, whole seconds.</summary>
    internal static string ExactExpiryFilter(DateTimeOffset now, TimeSpan window)
    {
        var filter = new System.Text.StringBuilder("(|");
        var last = TokenMetadata.ToSeconds(now);
        for (var second = 0; second < (int)window.TotalSeconds; second++)
            filter.Append('(').Append(TokenMetadata.EnrollmentNotAfterAttribute).Append('=').Append(TokenMetadata.FormatTime(last.AddSeconds(-second))).Append(')');
        return filter.Append(')').ToString();
    }

    public Task<IReadOnlyList<CertificateRecord>> FindRevocationTokenInfoAsync(string certificateBase, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificateBase);
        // metaInfo has a substring index on the local stack (and should wherever the CA's repository is swept).
        var filter = $"(&(objectClass={LdapCertificateRecordWatch.ObjectClass})({RevocationTokenValues.MetaInfoAttribute}={LdapFilterValue.Escape(RevocationTokenValues.InfoPrefix)}*))";
        return PagedSearchAsync("Searching for revocation token metadata", certificateBase, filter, ["cn", RevocationTokenValues.MetaInfoAttribute],
            entry =>
            {
                var metaInfo = LdapValues.Of(entry, RevocationTokenValues.MetaInfoAttribute);
                return new CertificateRecord(entry.DistinguishedName, LdapValues.Strings(entry, "cn").FirstOrDefault(), null, null, null, null, null,
                    RevocationTokenValues.Select(metaInfo).Select(v => Encoding.UTF8.GetString(v)).ToList())
                {
                    RevocationTokenInfoValues = RevocationTokenValues.SelectInfo(metaInfo).Select(v => Encoding.UTF8.GetString(v)).ToList(),
                };
            }, cancellationToken);
    }

    /// <summary>
    /// A subtree search in pages of <see cref="LdapCertificateRecordWatch.PageSize"/> (simple paged results,
    /// RFC 2696, so the server's size limit does not cut it short), each page one pooled call.
    /// </summary>
    private async Task<IReadOnlyList<T>> PagedSearchAsync<T>(string operation, string searchBase, string filter, string[] attributes,
        Func<SearchResultEntry, T> map, CancellationToken cancellationToken)
    {
        var found = new List<T>();
        var cookie = Array.Empty<byte>();
        do
        {
            var page = cookie;
            cookie = await RunAsync(operation, searchBase, cancellationToken, connection =>
            {
                var request = new SearchRequest(searchBase, filter, SearchScope.Subtree, attributes);
                request.Controls.Add(new DirectoryControl(PagedResultsControl.Oid, PagedResultsControl.Encode(LdapCertificateRecordWatch.PageSize, page),
                    isCritical: false, serverSide: true));
                SearchResponse response;
                try
                {
                    response = LdapOperations.Search(connection, request);
                }
                catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
                {
                    return [];
                }
                foreach (SearchResultEntry entry in response.Entries) found.Add(map(entry));
                var control = response.Controls.FirstOrDefault(c => c.Type == PagedResultsControl.Oid);
                return control is null ? [] : PagedResultsControl.DecodeCookie(control.GetValue());
            }).ConfigureAwait(false);
        }
        while (cookie.Length > 0);
        return found;
    }

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
