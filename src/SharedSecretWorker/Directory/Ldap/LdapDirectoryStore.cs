using System.DirectoryServices.Protocols;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// <see cref="IDirectoryStore"/> over System.DirectoryServices.Protocols (libldap on Linux).
/// Every write is one LDAP modify, so the CA never sees a half-written entry; writes that race
/// other writers are re-read and retried (<c>Directory:MaxConcurrencyRetries</c>).
/// </summary>
internal sealed class LdapDirectoryStore : IDirectoryStore, IAsyncDisposable, IDisposable
{
    private const string SupportedControlAttribute = "supportedControl";

    /// <summary>A token for a 4096-bit key is about 600 characters; this bounds what is sent.</summary>
    private const int MaxTokenLength = 16 * 1024;

    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

    /// <summary>Retry backoff: full jitter up to this many ms times 2^attempt, capped below.</summary>
    private const int BackoffStepMilliseconds = 2;
    private const int MaxBackoffMilliseconds = 100;
    private const int MaxBackoffShift = 16;

    private readonly DirectoryOptions _options;
    private readonly ILogger<LdapDirectoryStore> _logger;
    private readonly LdapConnectionFactory _factory;
    private readonly LdapConnectionPool _pool;
    private readonly EntryLookup _lookup;
    private readonly RaceWindow _raceWindow = new();
    private readonly TokenAttributeWriter _tokenAttribute;
    private readonly MetaInfoRevocationWriter _metaInfo;

    public LdapDirectoryStore(IOptions<DirectoryOptions> options, ILogger<LdapDirectoryStore> logger)
    {
        _options = options.Value;
        _logger = logger;
        _factory = new LdapConnectionFactory(_options);
        _pool = new LdapConnectionPool(_factory, _options, logger);
        _lookup = new EntryLookup(_options, _factory.Endpoint);
        _tokenAttribute = new TokenAttributeWriter(_options.EnrollmentTokenAttribute, _raceWindow);
        _metaInfo = new MetaInfoRevocationWriter(_options, _raceWindow, logger);
    }

    /// <inheritdoc cref="RaceWindow"/>
    internal Action<string>? BetweenReadAndModify
    {
        get => _raceWindow.Hook;
        set => _raceWindow.Hook = value;
    }

    private bool RevocationInMetaInfo => _options.RevocationTokenAttribute == RevocationTokenAttribute.MetaInfo;

    /// <summary>What an enrollment write or clear changes on the user's entry: the token and its metadata.</summary>
    private string[] EnrollmentAttributes => [_tokenAttribute.Attribute, TokenMetadata.EnrollmentAttribute, TokenMetadata.EnrollmentNotAfterAttribute];

    private string RevocationAttribute => RevocationInMetaInfo ? RevocationTokenValues.MetaInfoAttribute : _tokenAttribute.Attribute;

    public Task<DirectoryWrite> StoreEnrollmentTokenAsync(string uid, string token, TokenMetadata metadata, CancellationToken cancellationToken = default)
    {
        CheckUid(uid);
        CheckToken(token);
        ArgumentNullException.ThrowIfNull(metadata);
        var operation = $"Storing the enrollment token of uid '{uid}'";
        return WriteWithRetriesAsync(operation, _options.PeopleBase, DirectoryFailure.UnknownUid, token, EnrollmentAttributes, _options.PeopleBase, cancellationToken, connection =>
            _tokenAttribute.Replace(connection, _lookup.FindUser(connection, uid, LdapValues.ObjectClassAttribute), token, metadata, DirectoryFailure.UnknownUid, operation));
    }

    public Task<DirectoryWrite> ClearEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default)
    {
        CheckUid(uid);
        var operation = $"Clearing the enrollment token of uid '{uid}'";
        return WriteWithRetriesAsync(operation, _options.PeopleBase, DirectoryFailure.UnknownUid, null, EnrollmentAttributes, _options.PeopleBase, cancellationToken, connection =>
            _tokenAttribute.Remove(connection,
                _lookup.FindUser(connection, uid, _tokenAttribute.Attribute, TokenMetadata.EnrollmentAttribute, TokenMetadata.EnrollmentNotAfterAttribute),
                withMetadata: true, DirectoryFailure.UnknownUid, operation));
    }

    public Task<DirectoryRead> ReadEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default)
    {
        CheckUid(uid);
        return ReadAsync($"Reading the enrollment token of uid '{uid}'", _options.PeopleBase, DirectoryFailure.UnknownUid, cancellationToken,
            connection => _tokenAttribute.Read(_lookup.FindUser(connection, uid, _tokenAttribute.Attribute)));
    }

    public Task<DirectoryWrite> StoreRevocationTokenAsync(CertificateSerial serial, string token, TokenMetadata metadata, CancellationToken cancellationToken = default)
    {
        var dn = _lookup.RecordDn(serial);
        CheckToken(token);
        ArgumentNullException.ThrowIfNull(metadata);
        var operation = $"Storing the revocation token of serial {serial.Decimal}";
        Func<LdapConnection, WriteAttempt> attempt = RevocationInMetaInfo
            ? connection => _metaInfo.Replace(connection, dn, token, metadata, operation)
            // The documentation's shrTok-on-record variant keeps no metadata: the record's schema and
            // the worker's rights there are the site's, and the lifetime covers the metaInfo form only.
            : connection => _tokenAttribute.Replace(connection, EntryLookup.ReadRecord(connection, dn, LdapValues.ObjectClassAttribute), token, null,
                DirectoryFailure.UnknownSerial, operation);
        return WriteWithRetriesAsync(operation, dn, DirectoryFailure.UnknownSerial, token, [RevocationAttribute], _options.CertificateRepositoryBase, cancellationToken, attempt);
    }

    public Task<DirectoryWrite> ClearRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default)
    {
        var dn = _lookup.RecordDn(serial);
        var operation = $"Clearing the revocation token of serial {serial.Decimal}";
        Func<LdapConnection, WriteAttempt> attempt = RevocationInMetaInfo
            ? connection => MetaInfoRevocationWriter.Remove(connection, dn, operation)
            : connection => _tokenAttribute.Remove(connection, EntryLookup.ReadRecord(connection, dn, _tokenAttribute.Attribute), withMetadata: false,
                DirectoryFailure.UnknownSerial, operation);
        return WriteWithRetriesAsync(operation, dn, DirectoryFailure.UnknownSerial, null, [RevocationAttribute], _options.CertificateRepositoryBase, cancellationToken, attempt);
    }

    public Task<DirectoryRead> ReadRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default)
    {
        var dn = _lookup.RecordDn(serial);
        return ReadAsync($"Reading the revocation token of serial {serial.Decimal}", dn, DirectoryFailure.UnknownSerial, cancellationToken,
            connection => RevocationInMetaInfo
                ? MetaInfoRevocationWriter.Read(connection, dn)
                : _tokenAttribute.Read(EntryLookup.ReadRecord(connection, dn, _tokenAttribute.Attribute)));
    }

    public Task<DirectoryWrite> RestoreEnrollmentTokenAsync(DirectoryWrite written, string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(written);
        CheckToken(token);
        var operation = $"Restoring the enrollment token replaced on '{written.Dn}'";
        return WriteWithRetriesAsync(operation, written.Dn, DirectoryFailure.UnknownUid, token, EnrollmentAttributes, _options.PeopleBase, cancellationToken, connection =>
            _tokenAttribute.Restore(connection, written, token, DirectoryFailure.UnknownUid, operation));
    }

    public Task<DirectoryWrite> RestoreRevocationTokenAsync(DirectoryWrite written, string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(written);
        CheckToken(token);
        var operation = $"Restoring the revocation token replaced on '{written.Dn}'";
        Func<LdapConnection, WriteAttempt> attempt = RevocationInMetaInfo
            ? connection => MetaInfoRevocationWriter.Restore(connection, written, token, operation)
            : connection => _tokenAttribute.Restore(connection, written, token, DirectoryFailure.UnknownSerial, operation);
        return WriteWithRetriesAsync(operation, written.Dn, DirectoryFailure.UnknownSerial, token, [RevocationAttribute], _options.CertificateRepositoryBase, cancellationToken, attempt);
    }

    public int AbandonedCalls => _pool.AbandonedCalls;

    public int AbandonedLimit => _pool.AbandonedLimit;

    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        await ReadAsync("Checking the directory", null, DirectoryFailure.Misconfigured, cancellationToken, connection =>
        {
            if (RevocationInMetaInfo) CheckPostReadSupport(connection);
            _lookup.CheckBase(connection, _options.PeopleBase, "PeopleBase");
            _lookup.CheckBase(connection, _options.CertificateRepositoryBase, "CertificateRepositoryBase");
            return true;
        }).ConfigureAwait(false);
    }

    private void CheckPostReadSupport(LdapConnection connection)
    {
        var rootDse = LdapOperations.Search(connection, new SearchRequest("", LdapOperations.AnyObjectFilter, SearchScope.Base, SupportedControlAttribute));
        var controls = rootDse.Entries.Count == 0 ? [] : LdapValues.Strings(rootDse.Entries[0], SupportedControlAttribute);
        if (!controls.Contains(ReadEntryControl.PostReadOid, StringComparer.Ordinal))
        {
            throw new DirectoryException(DirectoryFailure.Misconfigured,
                $"The server at {_factory.Endpoint} does not list the LDAP Post-Read control ({ReadEntryControl.PostReadOid}, RFC 4527) in its root DSE; "
                + $"the revocation writer needs it to keep exactly one {RevocationTokenValues.Key} value when writers race.");
        }
    }

    /// <summary>
    /// Runs one read-modify attempt per pooled lease; when another writer raced it, waits a little
    /// (jittered, so racers spread out) and tries again with a fresh read.
    /// </summary>
    /// <param name="attributes">The attributes written, and <paramref name="accessBase"/> the base whose rules
    /// grant it: a refusal (LDAP 50) on the entry is the worker's own <see cref="DirectoryFailure.InsufficientAccess"/>
    /// when the base refuses it too, and the entry's <see cref="DirectoryFailure.Forbidden"/> when not.</param>
    private async Task<DirectoryWrite> WriteWithRetriesAsync(string operation, string dn, DirectoryFailure missing, string? redact,
        string[] attributes, string accessBase, CancellationToken cancellationToken, Func<LdapConnection, WriteAttempt> attempt)
    {
        var attempts = _options.MaxConcurrencyRetries + 1;
        var lastCode = 0;
        for (var i = 1; i <= attempts; i++)
        {
            WriteAttempt outcome;
            try
            {
                outcome = await _pool.RunAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DirectoryOperationException or LdapException or DirectoryException)
            {
                var failure = LdapFailures.Classify(e, operation, dn, missing, redact);
                if (failure.Kind != DirectoryFailure.Forbidden) throw failure;
                throw await InsufficientAccessAsync(failure, attributes, accessBase, cancellationToken).ConfigureAwait(false);
            }
            if (outcome.Result is { } result)
                return result with { Attempts = i };
            lastCode = outcome.ConflictCode;
            DirectoryLog.WriteConflict(_logger, operation, lastCode, i, attempts);
            if (i < attempts)
                await Task.Delay(Backoff(i), cancellationToken).ConfigureAwait(false);
        }
        DirectoryLog.WriteGaveUp(_logger, operation, attempts);
        throw new DirectoryException(DirectoryFailure.Conflict,
            $"{operation} on '{dn}' failed: other writers changed the entry {attempts} times in a row "
            + $"({DirectoryOptions.SectionName}:MaxConcurrencyRetries is {_options.MaxConcurrencyRetries}); last LDAP result {lastCode} ({LdapFailures.NameOf(lastCode)}).",
            dn, lastCode);
    }

    public async Task CheckWriteAccessAsync(string dn, string attribute, CancellationToken cancellationToken = default)
    {
        var allowed = await ReadAsync($"Checking write access to {attribute}", dn, DirectoryFailure.Misconfigured, cancellationToken,
            connection => MayWrite(connection, dn, attribute)).ConfigureAwait(false);
        if (!allowed)
        {
            throw new DirectoryException(DirectoryFailure.InsufficientAccess,
                $"The bind '{_options.BindDn}' still may not write {attribute} on '{dn}': LDAP result 50 (InsufficientAccessRights).", dn, LdapResultCodes.InsufficientAccessRights)
            {
                Attribute = attribute,
                Problem = InsufficientAccessProblem(attribute, dn),
            };
        }
    }

    /// <summary>
    /// A write refused with LDAP 50: the worker's own fault when the base refuses the attribute too
    /// (its access rules are missing or changed), the entry's when the base allows it.
    /// </summary>
    /// <remarks>
    /// Every attribute the write changes is checked: a site that upgraded without granting the token's
    /// metadata attributes is the worker's own fault too, named by the attribute it lacks, not a
    /// protected entry.
    /// </remarks>
    private async Task<DirectoryException> InsufficientAccessAsync(DirectoryException refused, string[] attributes, string accessBase, CancellationToken cancellationToken)
    {
        foreach (var attribute in attributes)
        {
            bool baseAllows;
            try
            {
                baseAllows = await _pool.RunAsync(connection => MayWrite(connection, accessBase, attribute), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DirectoryOperationException or LdapException or DirectoryException)
            {
                // Cannot tell now: the directory fails otherwise; that failure decides (retried).
                return LdapFailures.Classify(e, $"Checking write access to {attribute}", accessBase, DirectoryFailure.Misconfigured);
            }
            if (baseAllows) continue;
            return new DirectoryException(DirectoryFailure.InsufficientAccess,
                $"{refused.Message} The bind '{_options.BindDn}' may not write {attribute} on the base '{accessBase}' either: the worker's access rules (ACI) are missing or changed.",
                refused.Dn, refused.LdapResultCode, refused)
            {
                Attribute = attribute,
                Problem = InsufficientAccessProblem(attribute, refused.Dn ?? accessBase),
            };
        }
        return refused;
    }

    private string InsufficientAccessProblem(string attribute, string dn) =>
        $"insufficient access (LDAP 50) writing {attribute} on '{dn}' as '{_options.BindDn}'; check the worker's ACI";

    /// <summary>
    /// Whether the bind may write <paramref name="attribute"/> on <paramref name="dn"/>, without
    /// changing anything: deletes a value that cannot exist. 389 DS (like other servers) checks the
    /// access rules before it looks at the values, so the answer is insufficientAccessRights (50)
    /// when the bind may not write, and noSuchAttribute (16) when it may.
    /// </summary>
    private static bool MayWrite(LdapConnection connection, string dn, string attribute)
    {
        // A value of the attribute's syntax (a server may check the syntax first), which no entry holds.
        var impossible = string.Equals(attribute, TokenMetadata.EnrollmentNotAfterAttribute, StringComparison.OrdinalIgnoreCase)
            ? "19700101000000Z"
            : $"shrtok-write-access-check-{Guid.NewGuid():N}";
        var request = new ModifyRequest(dn, DirectoryAttributeOperation.Delete, attribute, impossible);
        try
        {
            connection.SendRequest(request, connection.Timeout);
            return true;
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is { } code && !LdapResultCodes.IsTransient(code))
        {
            // Any other refusal came after the access check passed (16, or 32 for a vanished entry).
            return code != LdapResultCodes.InsufficientAccessRights;
        }
    }

    private async Task<T> ReadAsync<T>(string operation, string? dn, DirectoryFailure missing, CancellationToken cancellationToken, Func<LdapConnection, T> read)
    {
        try
        {
            return await _pool.RunAsync(read, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DirectoryOperationException or LdapException)
        {
            throw LdapFailures.Classify(e, operation, dn, missing);
        }
    }

    private static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxBackoffMilliseconds, BackoffStepMilliseconds << Math.Min(attempt, MaxBackoffShift));
        return TimeSpan.FromMilliseconds(Random.Shared.Next(1, ceiling + 1));
    }

    private static void CheckUid(string uid)
    {
        if (UidSyntax.Validate(uid) is { } error)
            throw new DirectoryException(DirectoryFailure.InvalidUid, error);
    }

    /// <summary>The CA decodes single-line standard base64 reliably (docs/cmc-shared-token.md, "Token format"); anything else is a caller bug.</summary>
    private static void CheckToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0 || token.Length > MaxTokenLength)
            throw new ArgumentException($"A token is 1 to {MaxTokenLength} characters; this one has {token.Length}.", nameof(token));
        var bad = token.AsSpan().IndexOfAnyExcept(Base64Alphabet);
        if (bad >= 0)
            throw new ArgumentException($"A token is single-line standard base64; character {bad + 1} is not (U+{(int)token[bad]:X4}).", nameof(token));
    }

    public void Dispose()
    {
        _pool.Dispose();
        _factory.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
