using System.DirectoryServices.Protocols;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>Finds the entries the CA reads: a user by uid, a certificate record by serial, the configured bases.</summary>
internal sealed class EntryLookup
{
    private const string UidAttribute = "uid";
    private const string RecordNamingAttribute = "cn";

    /// <summary>Asking for two entries is enough to tell one from several.</summary>
    private const int AmbiguityProbeSize = 2;

    private readonly DirectoryOptions _options;
    private readonly LdapEndpoint _endpoint;

    public EntryLookup(DirectoryOptions options, LdapEndpoint endpoint)
    {
        _options = options;
        _endpoint = endpoint;
    }

    /// <summary>
    /// The CA's lookup: subtree search under the people base for <c>(uid=&lt;value&gt;)</c>, the
    /// value escaped (RFC 4515). The CA takes the first entry; the worker refuses zero or several
    /// (docs/cmc-shared-token.md, "Enrollment").
    /// </summary>
    public SearchResultEntry FindUser(LdapConnection connection, string uid, params string[] attributes)
    {
        var filter = $"({UidAttribute}={LdapFilterValue.Escape(uid)})";
        var request = new SearchRequest(_options.PeopleBase, filter, SearchScope.Subtree, attributes) { SizeLimit = AmbiguityProbeSize };
        SearchResponse? response = null;
        int found;
        try
        {
            response = LdapOperations.Search(connection, request);
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

    /// <summary><c>cn=&lt;decimal serial&gt;,&lt;certificate repository base&gt;</c>, the value escaped (RFC 4514).</summary>
    public string RecordDn(CertificateSerial serial)
    {
        if (!serial.IsValid)
            throw new ArgumentException("The serial is default(CertificateSerial); parse one with CertificateSerial.TryParse.", nameof(serial));
        return LdapDnValue.Child(RecordNamingAttribute, serial.Decimal, _options.CertificateRepositoryBase);
    }

    /// <summary>The certificate record, or <see cref="DirectoryFailure.UnknownSerial"/>.</summary>
    public static SearchResultEntry ReadRecord(LdapConnection connection, string dn, params string[] attributes)
    {
        try
        {
            var response = LdapOperations.Search(connection, new SearchRequest(dn, LdapOperations.AnyObjectFilter, SearchScope.Base, attributes));
            if (response.Entries.Count == 1) return response.Entries[0];
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.NoSuchObject)
        {
            throw UnknownSerial(dn, e);
        }
        // 389 DS answers a base search on an entry the bind may not read with no entry rather than noSuchObject.
        throw UnknownSerial(dn, null);
    }

    /// <summary>Start-up check of a configured base: it exists and the bind can read it.</summary>
    public void CheckBase(LdapConnection connection, string dn, string key)
    {
        int found;
        DirectoryOperationException? error = null;
        try
        {
            found = LdapOperations.Search(connection, new SearchRequest(dn, LdapOperations.AnyObjectFilter, SearchScope.Base, LdapValues.ObjectClassAttribute)).Entries.Count;
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
                $"{DirectoryOptions.SectionName}:{key} '{dn}' does not exist on {_endpoint}, or the bind '{_options.BindDn}' may not read it"
                + (error is null ? " (the base search returned no entry)." : ": LDAP result 32 (noSuchObject)."),
                dn, error is null ? null : LdapResultCodes.NoSuchObject, error);
        }
    }

    private static DirectoryException UnknownSerial(string dn, Exception? inner)
        => new(DirectoryFailure.UnknownSerial, $"No certificate record '{dn}' exists: LDAP result 32 (noSuchObject).", dn, LdapResultCodes.NoSuchObject, inner);
}
