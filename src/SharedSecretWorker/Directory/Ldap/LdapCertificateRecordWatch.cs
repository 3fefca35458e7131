using System.Runtime.CompilerServices;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// <see cref="ICertificateRecordWatch"/> on an <see cref="LdapStreamConnection"/>: a persistent
/// search (add and modify, changes only, with entry change notifications) for
/// <c>(objectClass=certificateRecord)</c> under the certificate base, and paged catch-up searches on
/// <c>dateOfCreate</c> and <c>revokedOn</c> (Dogtag indexes both, for equality, which 389 DS also
/// uses for <c>&gt;=</c>).
/// </summary>
internal sealed class LdapCertificateRecordWatch : ICertificateRecordWatch
{
    public const string ObjectClass = "certificateRecord";
    public const string DateOfCreate = "dateOfCreate";
    public const string RevokedOn = "revokedOn";

    /// <summary>What the lifecycle reads of a record; never the certificate itself.</summary>
    public static readonly string[] RecordAttributes = ["cn", "subjectName", DateOfCreate, "certStatus", RevokedOn, RevocationTokenValues.MetaInfoAttribute, "createTimestamp"];

    /// <summary>Records per catch-up page: well under 389 DS's default size limit (2000) for a bind.</summary>
    public const int PageSize = 500;

    private static readonly LdapFilter Records = LdapFilter.Equal(LdapValues.ObjectClassAttribute, ObjectClass);

    private readonly LdapStreamConnection _connection;
    private readonly string _base;
    private readonly TimeSpan _timeout;
    private readonly int _pageSize;
    private LdapOperation? _search;

    private LdapCertificateRecordWatch(LdapStreamConnection connection, string certificateBase, TimeSpan timeout, int pageSize)
    {
        _connection = connection;
        _base = certificateBase;
        _timeout = timeout;
        _pageSize = pageSize;
    }

    /// <summary>The catch-up filter: records the CA created or revoked at or after <paramref name="since"/> (Dogtag's date form).</summary>
    public static LdapFilter ChangedSince(DateTimeOffset since)
    {
        var from = GeneralizedTime.FormatDogtag(since);
        return LdapFilter.And(Records, LdapFilter.Or(LdapFilter.GreaterOrEqual(DateOfCreate, from), LdapFilter.GreaterOrEqual(RevokedOn, from)));
    }

    /// <summary>
    /// Sends the persistent search, then a probe on the same connection: once the probe is answered
    /// the server has taken the search in (a server that refuses it ends it at once, which the probe
    /// lets through first). The connection is the watch's from then on.
    /// </summary>
    public static async Task<LdapCertificateRecordWatch> StartAsync(LdapStreamConnection connection, string certificateBase, TimeSpan timeout,
        CancellationToken cancellationToken, int pageSize = PageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var watch = new LdapCertificateRecordWatch(connection, certificateBase, timeout, pageSize);
        await watch.CheckBaseAsync(cancellationToken).ConfigureAwait(false);
        var persistent = PersistentSearchControl.Create(LdapChangeTypes.Add | LdapChangeTypes.Modify, changesOnly: true, returnEntryChanges: true);
        watch._search = await connection.StartAsync(id => LdapProtocol.SearchRequest(id, certificateBase, LdapScope.WholeSubtree, Records, RecordAttributes, [persistent]),
            cancellationToken).ConfigureAwait(false);
        await watch.ProbeAsync(cancellationToken).ConfigureAwait(false);
        // A refused search has ended by now: surface it before anyone relies on the watch.
        if (watch._search.Messages.TryPeek(out var first) && LdapProtocol.IsFinal(first))
            watch.TryNextChange(out _);
        return watch;
    }

    public async IAsyncEnumerable<CertificateRecord> FindChangedSinceAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = ChangedSince(since);
        var what = $"Searching certificate records changed since {GeneralizedTime.FormatDogtag(since)}";
        var cookie = Array.Empty<byte>();
        do
        {
            var paged = PagedResultsControl.Create(_pageSize, cookie);
            var page = await _connection.StartAsync(id => LdapProtocol.SearchRequest(id, _base, LdapScope.WholeSubtree, filter, RecordAttributes, [paged]),
                cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var message = await _connection.NextAsync(page, _timeout, what, cancellationToken).ConfigureAwait(false);
                if (message.Operation.HasSameClassAndValue(LdapProtocol.SearchResultEntryTag))
                {
                    yield return ToRecord(LdapProtocol.ReadEntry(message));
                    continue;
                }
                if (!LdapProtocol.IsFinal(message)) continue; // a referral: not followed
                var result = LdapProtocol.ReadResult(message);
                if (result.Code != 0) throw Refused(what, result);
                cookie = message.Control(PagedResultsControl.Oid) is { Value: { } value } ? PagedResultsControl.DecodeCookie(value) : [];
                break;
            }
        }
        while (cookie.Length > 0);
    }

    public async ValueTask<CertificateRecordChange> NextChangeAsync(CancellationToken cancellationToken)
    {
        var search = _search ?? throw new InvalidOperationException("The watch has not started.");
        while (true)
        {
            LdapMessage message;
            try
            {
                message = await search.Messages.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (System.Threading.Channels.ChannelClosedException e)
            {
                throw e.InnerException as DirectoryException ?? Ended();
            }
            if (Change(message) is { } change) return change;
        }
    }

    public bool TryNextChange(out CertificateRecordChange? change)
    {
        var search = _search ?? throw new InvalidOperationException("The watch has not started.");
        while (search.Messages.TryRead(out var message))
        {
            change = Change(message);
            if (change is not null) return true;
        }
        if (search.Messages.Completion.IsCompleted)
        {
            // Completed: with the connection's failure, or after the end the server sent (thrown above).
            if (search.Messages.Completion.Exception?.InnerException is DirectoryException failure) throw failure;
            throw Ended();
        }
        change = null;
        return false;
    }

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        const string what = "Probing the watch connection (root DSE)";
        var probe = await _connection.StartAsync(id => LdapProtocol.SearchRequest(id, "", LdapScope.BaseObject,
            LdapFilter.Present(LdapValues.ObjectClassAttribute), [LdapProtocol.NoAttributes]), cancellationToken).ConfigureAwait(false);
        var result = await _connection.CompleteAsync(probe, _timeout, what, cancellationToken).ConfigureAwait(false);
        if (result.Code != 0) throw Refused(what, result);
    }

    /// <summary>
    /// Reads the base itself before the persistent search is sent. 389 DS ends a persistent search on
    /// a missing base with success, and that end may reach us after the probe's answer (the search runs
    /// on a thread of its own), so it cannot tell a missing base in time; a base-scope read can:
    /// noSuchObject (32), or no entry when the bind may not read it.
    /// </summary>
    private async Task CheckBaseAsync(CancellationToken cancellationToken)
    {
        var what = "Reading the certificate base";
        var read = await _connection.StartAsync(id => LdapProtocol.SearchRequest(id, _base, LdapScope.BaseObject,
            LdapFilter.Present(LdapValues.ObjectClassAttribute), [LdapProtocol.NoAttributes]), cancellationToken).ConfigureAwait(false);
        var found = false;
        while (true)
        {
            var message = await _connection.NextAsync(read, _timeout, what, cancellationToken).ConfigureAwait(false);
            if (message.Operation.HasSameClassAndValue(LdapProtocol.SearchResultEntryTag))
            {
                found = true;
                continue;
            }
            if (!LdapProtocol.IsFinal(message)) continue;
            var result = LdapProtocol.ReadResult(message);
            if (result.Code == LdapResultCodes.NoSuchObject || (result.Code == 0 && !found))
            {
                throw new DirectoryException(DirectoryFailure.Misconfigured,
                    $"{what} '{_base}' found nothing: the base does not exist on {_connection.Endpoint}, or the bind may not read it.", _base,
                    result.Code == 0 ? null : result.Code);
            }
            if (result.Code != 0) throw Refused(what, result);
            return;
        }
    }

    /// <summary>A message of the persistent search as a change; null for what is not one (a referral).</summary>
    private CertificateRecordChange? Change(LdapMessage message)
    {
        if (message.Operation.HasSameClassAndValue(LdapProtocol.SearchResultEntryTag))
        {
            var kind = message.Control(PersistentSearchControl.EntryChangeNotificationOid) is { Value: { } value }
                ? PersistentSearchControl.DecodeEntryChange(value).ChangeType
                : LdapChangeTypes.Modify;
            var record = ToRecord(LdapProtocol.ReadEntry(message));
            return new CertificateRecordChange(kind == LdapChangeTypes.Add ? CertificateRecordChangeKind.Added : CertificateRecordChangeKind.Modified, record);
        }
        if (LdapProtocol.IsFinal(message))
            throw Refused("The persistent search", LdapProtocol.ReadResult(message));
        return null;
    }

    private DirectoryException Ended() =>
        new(DirectoryFailure.Unavailable, $"The persistent search under '{_base}' on {_connection.Endpoint} ended.", _base);

    /// <summary>
    /// The server ended a search: 12 means it lacks the persistent search, 50 that the bind may not
    /// read the records. A persistent search that ends with success never ran: 389 DS answers so for
    /// a base that does not exist, or that the bind may not read (it does not disclose which).
    /// </summary>
    private DirectoryException Refused(string what, LdapResult result)
    {
        if (result.Code == 0)
        {
            return new DirectoryException(DirectoryFailure.Misconfigured,
                $"{what} under '{_base}' ended at once: the base does not exist on {_connection.Endpoint}, or the bind may not read it.", _base);
        }
        var kind = result.Code switch
        {
            LdapResultCodes.UnavailableCriticalExtension => DirectoryFailure.Misconfigured,
            LdapResultCodes.NoSuchObject => DirectoryFailure.Misconfigured,
            LdapResultCodes.InsufficientAccessRights => DirectoryFailure.InsufficientAccess,
            _ => LdapFailures.KindOf(result.Code, DirectoryFailure.Misconfigured),
        };
        var detail = result.Code == LdapResultCodes.UnavailableCriticalExtension
            ? $" (the server does not support the persistent search control {PersistentSearchControl.Oid})"
            : "";
        return new DirectoryException(kind, LdapFailures.Describe(what, _base, result.Code, result.Diagnostic, null).TrimEnd('.') + detail + ".",
            _base, result.Code);
    }

    /// <summary>A record as the lifecycle needs it; the revocation tokens exactly as stored, for exact deletes.</summary>
    public static CertificateRecord ToRecord(LdapEntry entry) => new(
        entry.Dn,
        entry.First("cn"),
        entry.First("subjectName"),
        GeneralizedTime.Parse(entry.First("createTimestamp")),
        GeneralizedTime.Parse(entry.First(DateOfCreate)),
        entry.First("certStatus"),
        GeneralizedTime.Parse(entry.First(RevokedOn)),
        RevocationTokenValues.Select(entry.Values(RevocationTokenValues.MetaInfoAttribute)).Select(v => System.Text.Encoding.UTF8.GetString(v)).ToList())
    {
        RevocationTokenInfoValues = RevocationTokenValues.SelectInfo(entry.Values(RevocationTokenValues.MetaInfoAttribute))
            .Select(v => System.Text.Encoding.UTF8.GetString(v)).ToList(),
    };

    public async ValueTask DisposeAsync()
    {
        if (_search is { } search)
        {
            try
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _connection.AbandonAsync(search, grace.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DirectoryException or OperationCanceledException or ObjectDisposedException)
            {
                // The connection is going anyway.
            }
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
