using System.DirectoryServices.Protocols;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// <see cref="IOutstandingTokenReader"/> with paged searches (RFC 2696, so that the bind's size limit,
/// 2000 on 389 DS by default, does not cut 100,000 tokens short) on a pool of its own (one connection):
/// <c>(shrTok=*)</c> under the people base, and records holding a <c>revShrTok:</c> metaInfo value under
/// the certificate base (a substring filter; the local stack indexes metaInfo for substrings, as a site
/// should before listing tokens often, docs/token-lifecycle.md "Outstanding tokens").
/// </summary>
internal sealed class LdapOutstandingTokenReader : IOutstandingTokenReader, IDisposable
{
    /// <summary>Entries per page: well under 389 DS's default size limit.</summary>
    public const int PageSize = 500;

    private const string ModifyTimestamp = "modifyTimestamp";
    private const string Uid = "uid";
    private const string SubjectName = "subjectName";

    private readonly DirectoryOptions _options;
    private readonly LdapConnectionFactory _factory;
    private readonly LdapConnectionPool _pool;

    public LdapOutstandingTokenReader(IOptions<DirectoryOptions> options, ILogger<LdapOutstandingTokenReader> logger)
    {
        _options = options.Value;
        _factory = new LdapConnectionFactory(_options);
        _pool = new LdapConnectionPool(_factory, LdapPoolOptions.With(_options, connections: 1), logger);
    }

    public async IAsyncEnumerable<OutstandingToken> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tokenAttribute = _options.EnrollmentTokenAttribute;
        var people = $"({tokenAttribute}=*)";
        await foreach (var entry in SearchAsync("Listing enrollment tokens", _options.PeopleBase, people,
                           [Uid, tokenAttribute, TokenMetadata.EnrollmentAttribute, ModifyTimestamp], cancellationToken).ConfigureAwait(false))
        {
            var tokens = LdapValues.Of(entry, tokenAttribute);
            if (tokens.Count == 0) continue;
            // shrTok is an Octet String the CA reads as ASCII text.
            var sha256 = TokenDigest.Sha256Hex(Encoding.ASCII.GetString(tokens[0]));
            var metadata = TokenMetadata.Parse(LdapValues.Strings(entry, TokenMetadata.EnrollmentAttribute).FirstOrDefault());
            yield return new OutstandingToken(RequestKind.Enrollment, entry.DistinguishedName, LdapValues.Strings(entry, Uid).FirstOrDefault(), null,
                sha256, BelongsTo(metadata, sha256), GeneralizedTime.Parse(LdapValues.Strings(entry, ModifyTimestamp).FirstOrDefault()), entry.DistinguishedName);
        }

        var records = $"(&(objectClass={LdapCertificateRecordWatch.ObjectClass})({RevocationTokenValues.MetaInfoAttribute}={RevocationTokenValues.Prefix}*))";
        await foreach (var entry in SearchAsync("Listing revocation tokens", _options.CertificateRepositoryBase, records,
                           ["cn", RevocationTokenValues.MetaInfoAttribute, SubjectName, ModifyTimestamp], cancellationToken).ConfigureAwait(false))
        {
            var values = RevocationTokenValues.Select(entry);
            // The token the CA would read (the last revShrTok value parsed).
            var token = RevocationTokenValues.TokenOf(values);
            if (token is null) continue;
            var sha256 = TokenDigest.Sha256Hex(token);
            var metadata = LdapValues.Strings(entry, RevocationTokenValues.MetaInfoAttribute)
                .Select(TokenMetadata.ParseMetaInfo)
                .FirstOrDefault(m => m is not null && string.Equals(m.TokenSha256, sha256, StringComparison.Ordinal));
            yield return new OutstandingToken(RequestKind.Revocation, entry.DistinguishedName, null, LdapValues.Strings(entry, "cn").FirstOrDefault(),
                sha256, metadata, GeneralizedTime.Parse(LdapValues.Strings(entry, ModifyTimestamp).FirstOrDefault()),
                LdapValues.Strings(entry, SubjectName).FirstOrDefault());
        }
    }

    public async Task<string?> ReadAttributeAsync(string dn, string attribute, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dn);
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        try
        {
            return await _pool.RunAsync(connection =>
            {
                try
                {
                    var response = LdapOperations.Search(connection, new SearchRequest(dn, LdapOperations.AnyObjectFilter, SearchScope.Base, attribute));
                    return response.Entries.Count == 1 ? LdapValues.Strings(response.Entries[0], attribute).FirstOrDefault() : null;
                }
                catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is LdapResultCodes.NoSuchObject or LdapResultCodes.InvalidDnSyntax)
                {
                    return null;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DirectoryOperationException or LdapException)
        {
            throw LdapFailures.Classify(e, $"Reading {attribute} of '{dn}'", dn, DirectoryFailure.Misconfigured);
        }
    }

    /// <summary>A record kept beside a token counts only while it names that token: a hand-written token keeps no record, and an old record means nothing for it.</summary>
    private static TokenMetadata? BelongsTo(TokenMetadata? metadata, string sha256) =>
        metadata is not null && string.Equals(metadata.TokenSha256, sha256, StringComparison.Ordinal) ? metadata : null;

    private async IAsyncEnumerable<SearchResultEntry> SearchAsync(string operation, string searchBase, string filter, string[] attributes,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cookie = Array.Empty<byte>();
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new SearchRequest(searchBase, filter, SearchScope.Subtree, attributes);
            request.Controls.Add(new PageResultRequestControl(PageSize) { Cookie = cookie });
            SearchResponse response;
            try
            {
                response = await _pool.RunAsync(connection => LdapOperations.Search(connection, request), cancellationToken).ConfigureAwait(false);
            }
            catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) == LdapResultCodes.AdminLimitExceeded)
            {
                // More entries to look through than the bind may (nsslapd-lookthroughlimit, 5000 by default): a
                // listing of every token needs the worker's entry to lift its limits for paged searches.
                throw new DirectoryException(DirectoryFailure.Misconfigured,
                    $"{operation} under '{searchBase}' was refused: LDAP result 11 (adminLimitExceeded). The bind '{_options.BindDn}' may look through "
                    + "fewer entries than the directory holds: give its entry nsPagedLookThroughLimit: -1 and nsPagedIDListScanLimit: -1 "
                    + "(docs/token-lifecycle.md, \"Outstanding tokens\").", searchBase, LdapResultCodes.AdminLimitExceeded, e);
            }
            catch (Exception e) when (e is DirectoryOperationException or LdapException)
            {
                throw LdapFailures.Classify(e, operation, searchBase, DirectoryFailure.Misconfigured);
            }
            foreach (SearchResultEntry entry in response.Entries) yield return entry;
            cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie ?? [];
        }
        while (cookie.Length > 0);
    }

    public void Dispose()
    {
        _pool.Dispose();
        _factory.Dispose();
    }
}
