using System.DirectoryServices.Protocols;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>Search and modify on one connection, with this store's failure mapping.</summary>
internal static class LdapOperations
{
    public const string AnyObjectFilter = "(objectClass=*)";

    /// <summary>A search with the connection's timeout (<c>Directory:OperationTimeout</c>).</summary>
    public static SearchResponse Search(LdapConnection connection, SearchRequest request)
        => (SearchResponse)connection.SendRequest(request, connection.Timeout);

    /// <summary>
    /// Sends one modify. A result code in <paramref name="raceCodes"/> means another writer changed
    /// the entry since it was read (the caller re-reads and retries); a missing entry is
    /// <paramref name="missing"/>; any other failure is classified with the entry's DN.
    /// </summary>
    public static WriteAttempt Modify(LdapConnection connection, ModifyRequest request, DirectoryFailure missing, string operation, string? redact,
        params int[] raceCodes)
    {
        try
        {
            connection.SendRequest(request, connection.Timeout);
            return WriteAttempt.Done(new DirectoryWrite(request.DistinguishedName, Changed: true, Attempts: 1));
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is { } code && raceCodes.Contains(code))
        {
            return WriteAttempt.Raced(code);
        }
        catch (DirectoryOperationException e)
        {
            throw LdapFailures.Classify(e, operation, request.DistinguishedName, missing, redact);
        }
    }
}
