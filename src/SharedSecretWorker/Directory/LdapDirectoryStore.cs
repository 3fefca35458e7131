using System.DirectoryServices.Protocols;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Directory;

/// <summary>
/// <see cref="IDirectoryStore"/> over System.DirectoryServices.Protocols (libldap on Linux).
/// Every write is one LDAP modify, so the CA never sees a half-written entry.
/// </summary>
internal sealed class LdapDirectoryStore : IDirectoryStore, IAsyncDisposable, IDisposable
{
    private const string UidAttribute = "uid";
    private const string ObjectClassAttribute = "objectClass";
    private const string ExtensibleObjectClass = "extensibleObject";
    private const string MetaInfoAttribute = "metaInfo";
    private const string RecordNamingAttribute = "cn";
    private const string SupportedControlAttribute = "supportedControl";
    private const string AnyObjectFilter = "(objectClass=*)";

    /// <summary>The metaInfo key the CA reads the revocation token from (cmc-shared-token.md, "Revocation").</summary>
    private const string RevocationTokenKey = "revShrTok";

    /// <summary>metaInfo values are <c>key:value</c>; the CA splits at the first colon.</summary>
    private const char MetaInfoSeparator = ':';
    private const string RevocationTokenPrefix = RevocationTokenKey + ":";

    /// <summary>Asking for two entries is enough to tell one from several.</summary>
    private const int AmbiguityProbeSize = 2;

    /// <summary>A token for a 4096-bit key is about 600 characters; this bounds what is sent.</summary>
    private const int MaxTokenLength = 16 * 1024;

    /// <summary>Retry backoff: full jitter up to this many ms times 2^attempt, capped below.</summary>
    private const int BackoffStepMilliseconds = 2;
    private const int MaxBackoffMilliseconds = 100;

    private readonly DirectoryOptions _options;
    private readonly ILogger<LdapDirectoryStore> _logger;
    private readonly LdapConnectionFactory _factory;
    private readonly LdapConnectionPool _pool;

    public LdapDirectoryStore(IOptions<DirectoryOptions> options, ILogger<LdapDirectoryStore> logger)
    {
        _options = options.Value;
        _logger = logger;
        _factory = new LdapConnectionFactory(_options);
        _pool = new LdapConnectionPool(_factory, _options, logger);
    }

    /// <summary>
    /// Test seam for races: called with the DN after a write has read the entry and before it sends
    /// its modify, on the pool thread. Integration tests use it to let "another writer" change the
    /// entry in exactly that window; production code never sets it.
    /// </summary>
    internal Action<string>? BetweenReadAndModify { get; set; }

    private string TokenAttribute => _options.EnrollmentTokenAttribute;

    private bool RevocationInMetaInfo => _options.RevocationTokenAttribute == RevocationTokenAttribute.MetaInfo;

    // ---- Enrollment -------------------------------------------------------------------------

    public Task<DirectoryWrite> StoreEnrollmentTokenAsync(string uid, string token, CancellationToken cancellationToken = default)
    {
        CheckUid(uid);
        CheckToken(token);
        var operation = $"Storing the enrollment token of uid '{uid}'";
        return WriteWithRetriesAsync(operation, _options.PeopleBase, DirectoryFailure.UnknownUid,
            connection => ReplaceTokenOnEntry(connection, FindUser(connection, uid, ObjectClassAttribute), token, DirectoryFailure.UnknownUid, operation),
            token, cancellationToken);
    }

    public Task<DirectoryWrite> ClearEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default)
    {
        CheckUid(uid);
        var operation = $"Clearing the enrollment token of uid '{uid}'";
        return WriteWithRetriesAsync(operation, _options.PeopleBase, DirectoryFailure.UnknownUid,
            connection => RemoveTokenAttribute(connection, FindUser(connection, uid, TokenAttribute), DirectoryFailure.UnknownUid, operation),
            null, cancellationToken);
    }

    public Task<DirectoryRead> ReadEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default)
    {
        CheckUid(uid);
        return ReadAsync($"Reading the enrollment token of uid '{uid}'", _options.PeopleBase, DirectoryFailure.UnknownUid,
            connection => ReadTokenAttribute(FindUser(connection, uid, TokenAttribute)), cancellationToken);
    }

    // ---- Revocation -------------------------------------------------------------------------

    public Task<DirectoryWrite> StoreRevocationTokenAsync(CertificateSerial serial, string token, CancellationToken cancellationToken = default)
    {
        var dn = RecordDn(serial);
        CheckToken(token);
        var operation = $"Storing the revocation token of serial {serial.Decimal}";
        Func<LdapConnection, WriteAttempt> attempt = RevocationInMetaInfo
            ? connection => ReplaceRevocationValue(connection, dn, token, operation)
            : connection => ReplaceTokenOnEntry(connection, ReadRecord(connection, dn, ObjectClassAttribute), token, DirectoryFailure.UnknownSerial, operation);
        return WriteWithRetriesAsync(operation, dn, DirectoryFailure.UnknownSerial, attempt, token, cancellationToken);
    }

    public Task<DirectoryWrite> ClearRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default)
    {
        var dn = RecordDn(serial);
        var operation = $"Clearing the revocation token of serial {serial.Decimal}";
        Func<LdapConnection, WriteAttempt> attempt = RevocationInMetaInfo
            ? connection => RemoveRevocationValues(connection, dn, operation)
            : connection => RemoveTokenAttribute(connection, ReadRecord(connection, dn, TokenAttribute), DirectoryFailure.UnknownSerial, operation);
        return WriteWithRetriesAsync(operation, dn, DirectoryFailure.UnknownSerial, attempt, null, cancellationToken);
    }

    public Task<DirectoryRead> ReadRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default)
    {
        var dn = RecordDn(serial);
        return ReadAsync($"Reading the revocation token of serial {serial.Decimal}", dn, DirectoryFailure.UnknownSerial,
            connection => RevocationInMetaInfo
                ? ReadRevocationValue(ReadRecord(connection, dn, MetaInfoAttribute))
                : ReadTokenAttribute(ReadRecord(connection, dn, TokenAttribute)),
            cancellationToken);
    }

    // ---- Start-up check ---------------------------------------------------------------------

    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        await ReadAsync("Checking the directory", null, DirectoryFailure.Misconfigured, connection =>
        {
            if (RevocationInMetaInfo)
            {
                var rootDse = Search(connection, new SearchRequest("", AnyObjectFilter, SearchScope.Base, SupportedControlAttribute));
                var controls = rootDse.Entries.Count == 0 ? [] : Strings(rootDse.Entries[0], SupportedControlAttribute);
                if (!controls.Contains(PostReadControl.Oid, StringComparer.Ordinal))
                {
                    throw new DirectoryException(DirectoryFailure.Misconfigured,
                        $"The server at {_factory.Endpoint} does not list the LDAP Post-Read control ({PostReadControl.Oid}, RFC 4527) in its root DSE; "
                        + $"the revocation writer needs it to keep exactly one {RevocationTokenKey} value when writers race.");
                }
            }
            CheckBase(connection, _options.PeopleBase, "PeopleBase");
            CheckBase(connection, _options.CertificateRepositoryBase, "CertificateRepositoryBase");
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private void CheckBase(LdapConnection connection, string dn, string key)
    {
        int found;
        DirectoryOperationException? error = null;
        try
        {
            found = Search(connection, new SearchRequest(dn, AnyObjectFilter, SearchScope.Base, ObjectClassAttribute)).Entries.Count;
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
        {
            found = 0;
            error = e;
        }
        // 389 DS answers a base search the bind may not read with success and no entry, rather than
        // noSuchObject (it does not disclose existence), so both mean "not usable".
        if (found != 1)
        {
            throw new DirectoryException(DirectoryFailure.Misconfigured,
                $"{DirectoryOptions.SectionName}:{key} '{dn}' does not exist on {_factory.Endpoint}, or the bind '{_options.BindDn}' may not read it"
                + (error is null ? " (the base search returned no entry)." : ": LDAP result 32 (noSuchObject)."),
                dn, error is null ? null : LdapResultCodes.NoSuchObject, error);
        }
    }

    // ---- The operations, run on a pooled connection -----------------------------------------

    /// <summary>
    /// Enrollment (and the documentation's revocation variant): one modify that adds
    /// extensibleObject only if the entry lacks it (shrTok is in no standard class) and replaces
    /// the token attribute. Replace makes the last writer win, which is the contract's invariant
    /// ("the last notice decrypts the stored token"). If another writer added extensibleObject
    /// between our read and our modify, the add fails with attributeOrValueExists: re-read and retry.
    /// </summary>
    private WriteAttempt ReplaceTokenOnEntry(LdapConnection connection, SearchResultEntry entry, string token, DirectoryFailure missing, string operation)
    {
        var request = new ModifyRequest(entry.DistinguishedName);
        if (!HasObjectClass(entry, ExtensibleObjectClass))
            request.Modifications.Add(Modification(ObjectClassAttribute, DirectoryAttributeOperation.Add, ExtensibleObjectClass));
        // shrTok has Octet String syntax: the value is the token's ASCII bytes.
        request.Modifications.Add(Modification(TokenAttribute, DirectoryAttributeOperation.Replace, Encoding.ASCII.GetBytes(token)));
        BetweenReadAndModify?.Invoke(entry.DistinguishedName);
        return Modify(connection, request, missing, operation, token, LdapResultCodes.AttributeOrValueExists, LdapResultCodes.ObjectClassViolation);
    }

    /// <summary>Deletes the whole token attribute; "already absent" (noSuchAttribute) is success.</summary>
    private WriteAttempt RemoveTokenAttribute(LdapConnection connection, SearchResultEntry entry, DirectoryFailure missing, string operation)
    {
        var dn = entry.DistinguishedName;
        if (Values(entry, TokenAttribute).Count == 0)
            return WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1));
        var request = new ModifyRequest(dn, DirectoryAttributeOperation.Delete, TokenAttribute);
        try
        {
            connection.SendRequest(request, _options.OperationTimeout);
            return WriteAttempt.Done(new DirectoryWrite(dn, Changed: true, Attempts: 1));
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchAttribute)
        {
            // Another clear got there first; the outcome (no token) is what was asked for.
            return WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1));
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
        {
            throw Missing(missing, dn, e);
        }
        catch (DirectoryOperationException e)
        {
            throw LdapFailures.Classify(e, operation, dn, missing);
        }
    }

    /// <summary>
    /// Revocation as the CA reads it: one metaInfo value <c>revShrTok:&lt;token&gt;</c>, every other
    /// value untouched, written in one modify that deletes the exact revShrTok values just read and
    /// adds the new one (never a bare add of a second value, never a replace of the attribute).
    ///
    /// Optimistic concurrency, so that racing writers still end with exactly one value:
    /// 1. Old values exist: deleting a value that is no longer there fails the whole modify with
    ///    noSuchAttribute (16): another writer changed the record, so re-read and retry.
    /// 2. No old value: there is nothing to delete, so two first writers can both add. A condition
    ///    on the modify would close that gap (RFC 4528 Assertion control), but 389 DS 2.3 does not
    ///    support it (unavailableCriticalExtension). Instead every modify carries the Post-Read
    ///    control (RFC 4527): the server returns metaInfo as it is right after this modify,
    ///    atomically with it. If other revShrTok values are there, they were added by modifies
    ///    that came before ours, so ours is the latest: we delete exactly those values (see
    ///    <see cref="RemoveSupersededValues"/>).
    /// Why this converges: of two values present together, only the writer whose modify came
    /// later sees the other in its post-read, so deletions never go both ways; the value of the
    /// last modify is never deleted by anyone but a later writer; and every writer that sees a
    /// duplicate removes it before returning. Every other metaInfo value (requestId, profileId,
    /// anything another party adds meanwhile) is never named in a delete, so it survives.
    /// The server compares metaInfo values ignoring case (Directory String, no matching rule
    /// declared: 389 DS uses the syntax's case-ignoring match), so values are compared the same way here.
    /// </summary>
    private WriteAttempt ReplaceRevocationValue(LdapConnection connection, string dn, string token, string operation)
    {
        var record = ReadRecord(connection, dn, MetaInfoAttribute);
        var old = RevocationValues(record);
        var mine = Encoding.UTF8.GetBytes(RevocationTokenPrefix + token);
        var request = new ModifyRequest(record.DistinguishedName);
        if (old.Count > 0)
            request.Modifications.Add(Modification(MetaInfoAttribute, DirectoryAttributeOperation.Delete, [.. old]));
        request.Modifications.Add(Modification(MetaInfoAttribute, DirectoryAttributeOperation.Add, mine));
        request.Controls.Add(PostReadControl.For(MetaInfoAttribute));
        BetweenReadAndModify?.Invoke(record.DistinguishedName);
        DirectoryResponse response;
        try
        {
            response = connection.SendRequest(request, _options.OperationTimeout);
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is LdapResultCodes.NoSuchAttribute or LdapResultCodes.AttributeOrValueExists)
        {
            return WriteAttempt.Raced(LdapFailures.ResultCode(e)!.Value);
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
        {
            throw Missing(DirectoryFailure.UnknownSerial, record.DistinguishedName, e);
        }
        catch (DirectoryOperationException e)
        {
            throw LdapFailures.Classify(e, operation, record.DistinguishedName, DirectoryFailure.UnknownSerial, token);
        }
        var after = PostReadControl.Values(response, MetaInfoAttribute)
            ?? throw new DirectoryException(DirectoryFailure.Misconfigured,
                $"{operation} on '{record.DistinguishedName}': the server accepted the critical Post-Read control ({PostReadControl.Oid}) but returned no entry.",
                record.DistinguishedName);
        var superseded = RevocationValueBytes(after).Where(v => !SameValue(v, mine)).ToList();
        if (superseded.Count > 0)
            RemoveSupersededValues(connection, record.DistinguishedName, mine, superseded, operation);
        return WriteAttempt.Done(new DirectoryWrite(record.DistinguishedName, Changed: true, Attempts: 1));
    }

    /// <summary>
    /// Deletes revShrTok values that a racing writer added before our modify (seen in our
    /// post-read). Only those exact values are ever deleted, never one seen later: a later value
    /// belongs to a writer that came after us and wins. If a delete finds a value gone
    /// (noSuchAttribute), re-read: once our own value is gone, a later writer superseded us and
    /// cleans up itself; otherwise retry with the values still present.
    /// </summary>
    private void RemoveSupersededValues(LdapConnection connection, string dn, byte[] mine, List<byte[]> superseded, string operation)
    {
        for (var attempt = 0; attempt <= _options.MaxConcurrencyRetries; attempt++)
        {
            var request = new ModifyRequest(dn);
            request.Modifications.Add(Modification(MetaInfoAttribute, DirectoryAttributeOperation.Delete, [.. superseded]));
            try
            {
                connection.SendRequest(request, _options.OperationTimeout);
                _logger.LogDebug("{Operation}: removed {Count} revShrTok value(s) a racing writer added before us", operation, superseded.Count);
                return;
            }
            catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchAttribute)
            {
                var now = RevocationValueBytes(Values(ReadRecord(connection, dn, MetaInfoAttribute), MetaInfoAttribute));
                if (!now.Any(v => SameValue(v, mine))) return;
                superseded = superseded.Where(s => now.Any(v => SameValue(v, s))).ToList();
                if (superseded.Count == 0) return;
            }
            catch (DirectoryOperationException e)
            {
                throw LdapFailures.Classify(e, operation, dn, DirectoryFailure.UnknownSerial);
            }
        }
        throw new DirectoryException(DirectoryFailure.Conflict,
            $"{operation} on '{dn}' failed: other writers kept changing the record while duplicate {RevocationTokenKey} values were being removed "
            + $"({DirectoryOptions.SectionName}:MaxConcurrencyRetries is {_options.MaxConcurrencyRetries}); LDAP result 16 (NoSuchAttribute).",
            dn, LdapResultCodes.NoSuchAttribute);
    }

    /// <summary>Deletes the exact revShrTok values read; if they changed meanwhile, re-read and retry.</summary>
    private WriteAttempt RemoveRevocationValues(LdapConnection connection, string dn, string operation)
    {
        var record = ReadRecord(connection, dn, MetaInfoAttribute);
        var old = RevocationValues(record);
        if (old.Count == 0)
            return WriteAttempt.Done(new DirectoryWrite(record.DistinguishedName, Changed: false, Attempts: 1));
        var request = new ModifyRequest(record.DistinguishedName);
        request.Modifications.Add(Modification(MetaInfoAttribute, DirectoryAttributeOperation.Delete, [.. old]));
        return Modify(connection, request, DirectoryFailure.UnknownSerial, operation, null, LdapResultCodes.NoSuchAttribute);
    }

    /// <summary>
    /// Sends one modify. A result code in <paramref name="raceCodes"/> means another writer changed
    /// the entry since it was read (the caller re-reads and retries); any other failure is
    /// classified with the entry's DN.
    /// </summary>
    private WriteAttempt Modify(LdapConnection connection, ModifyRequest request, DirectoryFailure missing, string operation, string? redact,
        params int[] raceCodes)
    {
        try
        {
            connection.SendRequest(request, _options.OperationTimeout);
            return WriteAttempt.Done(new DirectoryWrite(request.DistinguishedName, Changed: true, Attempts: 1));
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is { } code && raceCodes.Contains(code))
        {
            return WriteAttempt.Raced(code);
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
        {
            throw Missing(missing, request.DistinguishedName, e);
        }
        catch (DirectoryOperationException e)
        {
            throw LdapFailures.Classify(e, operation, request.DistinguishedName, missing, redact);
        }
    }

    private static DirectoryRead ReadTokenAttribute(SearchResultEntry entry, string attribute)
    {
        var values = Values(entry, attribute);
        // The CA reads the Octet String's bytes as text; tokens are ASCII.
        var token = values.Count == 0 ? null : Encoding.ASCII.GetString(values[0]);
        return new DirectoryRead(entry.DistinguishedName, token, values.Count);
    }

    private DirectoryRead ReadTokenAttribute(SearchResultEntry entry) => ReadTokenAttribute(entry, TokenAttribute);

    /// <summary>As the CA's metaInfo parsing does: split each value at its first colon; for a repeated key the last value parsed wins.</summary>
    private static DirectoryRead ReadRevocationValue(SearchResultEntry record)
    {
        string? token = null;
        var count = 0;
        foreach (var value in Strings(record, MetaInfoAttribute))
        {
            var colon = value.IndexOf(MetaInfoSeparator, StringComparison.Ordinal);
            if (colon < 0 || !value.AsSpan(0, colon).SequenceEqual(RevocationTokenKey)) continue;
            token = value[(colon + 1)..];
            count++;
        }
        return new DirectoryRead(record.DistinguishedName, token, count);
    }

    // ---- Lookups ----------------------------------------------------------------------------

    /// <summary>
    /// The CA's lookup: subtree search under the people base for <c>(uid=&lt;value&gt;)</c>. The CA
    /// takes the first entry; the worker refuses zero or several (cmc-shared-token.md, "Enrollment").
    /// </summary>
    private SearchResultEntry FindUser(LdapConnection connection, string uid, string attribute)
    {
        var filter = $"({UidAttribute}={LdapFilterValue.Escape(uid)})";
        var request = new SearchRequest(_options.PeopleBase, filter, SearchScope.Subtree, attribute) { SizeLimit = AmbiguityProbeSize };
        int found;
        SearchResponse? response = null;
        try
        {
            response = Search(connection, request);
            found = response.Entries.Count;
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.SizeLimitExceeded)
        {
            found = AmbiguityProbeSize;
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
        {
            throw new DirectoryException(DirectoryFailure.Misconfigured,
                $"{DirectoryOptions.SectionName}:PeopleBase '{_options.PeopleBase}' does not exist: LDAP result 32 (noSuchObject).",
                _options.PeopleBase, LdapResultCodes.NoSuchObject, e);
        }
        if (found == 0)
        {
            throw new DirectoryException(DirectoryFailure.UnknownUid,
                $"No entry under '{_options.PeopleBase}' has uid '{uid}' (searched with {filter}).", _options.PeopleBase);
        }
        if (found > 1 || response is null)
        {
            throw new DirectoryException(DirectoryFailure.AmbiguousUid,
                $"Several entries under '{_options.PeopleBase}' have uid '{uid}'; the CA would silently use the first one found, so no token is written.",
                _options.PeopleBase);
        }
        return response.Entries[0];
    }

    private static SearchResultEntry ReadRecord(LdapConnection connection, string dn, string attribute)
    {
        try
        {
            var response = Search(connection, new SearchRequest(dn, AnyObjectFilter, SearchScope.Base, attribute));
            if (response.Entries.Count == 1) return response.Entries[0];
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
        {
            throw Missing(DirectoryFailure.UnknownSerial, dn, e);
        }
        throw Missing(DirectoryFailure.UnknownSerial, dn, null);
    }

    private static SearchResponse Search(LdapConnection connection, SearchRequest request)
        => (SearchResponse)connection.SendRequest(request, connection.Timeout);

    // ---- Retry loop and failure mapping -----------------------------------------------------

    private async Task<DirectoryWrite> WriteWithRetriesAsync(string operation, string dn, DirectoryFailure missing,
        Func<LdapConnection, WriteAttempt> attempt, string? redact, CancellationToken cancellationToken)
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
            catch (Exception e) when (e is DirectoryOperationException or LdapException)
            {
                throw LdapFailures.Classify(e, operation, dn, missing, redact);
            }
            if (outcome.Result is { } result)
                return result with { Attempts = i };
            lastCode = outcome.ConflictCode;
            _logger.LogDebug("{Operation}: another writer changed the entry (LDAP result {Code}); attempt {Attempt} of {Attempts}",
                operation, lastCode, i, attempts);
            if (i < attempts)
                await Task.Delay(Backoff(i), cancellationToken).ConfigureAwait(false);
        }
        _logger.LogWarning("{Operation}: gave up after {Attempts} attempts, other writers kept changing the entry", operation, attempts);
        throw new DirectoryException(DirectoryFailure.Conflict,
            $"{operation} on '{dn}' failed: other writers changed the entry {attempts} times in a row "
            + $"({DirectoryOptions.SectionName}:MaxConcurrencyRetries is {_options.MaxConcurrencyRetries}); last LDAP result {lastCode} ({LdapFailures.NameOf(lastCode)}).",
            dn, lastCode);
    }

    private async Task<T> ReadAsync<T>(string operation, string? dn, DirectoryFailure missing, Func<LdapConnection, T> read, CancellationToken cancellationToken)
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
        var ceiling = Math.Min(MaxBackoffMilliseconds, BackoffStepMilliseconds << Math.Min(attempt, 16));
        return TimeSpan.FromMilliseconds(Random.Shared.Next(1, ceiling + 1));
    }

    private static DirectoryException Missing(DirectoryFailure kind, string dn, Exception? inner) => kind switch
    {
        DirectoryFailure.UnknownSerial => new DirectoryException(kind,
            $"No certificate record '{dn}' exists: LDAP result 32 (noSuchObject).", dn, LdapResultCodes.NoSuchObject, inner),
        DirectoryFailure.UnknownUid => new DirectoryException(kind,
            $"The entry '{dn}' disappeared while it was being written: LDAP result 32 (noSuchObject).", dn, LdapResultCodes.NoSuchObject, inner),
        _ => new DirectoryException(kind, $"'{dn}' does not exist: LDAP result 32 (noSuchObject).", dn, LdapResultCodes.NoSuchObject, inner),
    };

    // ---- Small helpers ----------------------------------------------------------------------

    private string RecordDn(CertificateSerial serial)
    {
        if (!serial.IsValid)
            throw new ArgumentException("The serial is default(CertificateSerial); parse one with CertificateSerial.TryParse.", nameof(serial));
        return LdapDnValue.Child(RecordNamingAttribute, serial.Decimal, _options.CertificateRepositoryBase);
    }

    private static void CheckUid(string uid)
    {
        if (UidSyntax.Validate(uid) is { } error)
            throw new DirectoryException(DirectoryFailure.InvalidUid, error);
    }

    /// <summary>The CA decodes standard base64 on one line best (cmc-shared-token.md, "Token format"); anything else is a caller bug.</summary>
    private static void CheckToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0 || token.Length > MaxTokenLength)
            throw new ArgumentException($"A token is 1 to {MaxTokenLength} characters; this one has {token.Length}.", nameof(token));
        var bad = token.AsSpan().IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
        if (bad >= 0)
            throw new ArgumentException($"A token is single-line standard base64; character {bad + 1} is not (U+{(int)token[bad]:X4}).", nameof(token));
    }

    private static List<byte[]> RevocationValues(SearchResultEntry record) => RevocationValueBytes(Values(record, MetaInfoAttribute));

    /// <summary>The metaInfo values that are revocation tokens (key compared as the server compares values: ignoring case).</summary>
    private static List<byte[]> RevocationValueBytes(IEnumerable<byte[]> metaInfo)
    {
        var prefix = Encoding.UTF8.GetBytes(RevocationTokenPrefix);
        return metaInfo.Where(v => v.Length >= prefix.Length && Ascii.EqualsIgnoreCase(v.AsSpan(0, prefix.Length), prefix)).ToList();
    }

    /// <summary>Equality as 389 DS applies it to metaInfo values (case-ignoring; tokens are ASCII).</summary>
    private static bool SameValue(byte[] a, byte[] b) => Ascii.EqualsIgnoreCase(a, b);

    private static List<byte[]> Values(SearchResultEntry entry, string attribute)
    {
        // Attribute names in results keep the server's spelling; S.DS.P's collection lookup ignores case.
        var values = entry.Attributes[attribute];
        return values is null ? [] : values.GetValues(typeof(byte[])).Cast<byte[]>().ToList();
    }

    private static List<string> Strings(SearchResultEntry entry, string attribute)
        => Values(entry, attribute).Select(v => Encoding.UTF8.GetString(v)).ToList();

    private static bool HasObjectClass(SearchResultEntry entry, string objectClass)
        => Strings(entry, ObjectClassAttribute).Contains(objectClass, StringComparer.OrdinalIgnoreCase);

    private static DirectoryAttributeModification Modification(string attribute, DirectoryAttributeOperation operation, params object[] values)
    {
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = operation };
        foreach (var value in values)
        {
            switch (value)
            {
                case byte[] bytes: modification.Add(bytes); break;
                case string text: modification.Add(text); break;
                default: throw new ArgumentException($"Unsupported LDAP value type {value.GetType()}.", nameof(values));
            }
        }
        return modification;
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
