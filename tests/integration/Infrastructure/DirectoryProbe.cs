using System.DirectoryServices.Protocols;
using System.Net;
using System.Text;

namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>
/// Reads and prepares directory entries with the stack's admin bind, independently of the worker's
/// store, and reads tokens the way the CA does (docs/cmc-shared-token.md: first entry of (uid=X) under
/// the people base, attribute shrTok; metaInfo value revShrTok: of the certificate record).
/// </summary>
public sealed class DirectoryProbe : IDisposable
{
    private readonly StackEnvironment _stack = StackEnvironment.Load();
    private readonly LdapConnection _connection;

    public DirectoryProbe()
    {
        var uri = new Uri(_stack.Get("STACK_LDAP_URL"));
        _connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port)) { AuthType = AuthType.Basic };
        _connection.SessionOptions.ProtocolVersion = 3;
        _connection.Bind(new NetworkCredential(_stack.Get("STACK_LDAP_ADMIN_DN"), _stack.ReadFile("STACK_LDAP_ADMIN_PASSWORD_FILE")));
    }

    public string PeopleBase => _stack.Get("STACK_PEOPLE_BASE");
    public string CertificateRepositoryBase => _stack.Get("STACK_CERT_REPOSITORY_BASE");

    /// <summary>Creates a person with a fresh uid; returns the uid.</summary>
    public string CreatePerson(string? uid = null)
    {
        uid ??= "t" + Guid.NewGuid().ToString("N")[..12];
        _connection.SendRequest(new AddRequest($"uid={uid},{PeopleBase}",
            new DirectoryAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
            new DirectoryAttribute("uid", uid), new DirectoryAttribute("cn", uid), new DirectoryAttribute("sn", "Test")));
        return uid;
    }

    /// <summary>Creates a certificate record with a fresh serial and the metaInfo a CA writes; returns the decimal serial.</summary>
    public string CreateCertificateRecord()
    {
        var serial = (900_000_000L + Random.Shared.NextInt64(1, 99_999_999)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _connection.SendRequest(new AddRequest($"cn={serial},{CertificateRepositoryBase}",
            new DirectoryAttribute("objectClass", "top", "certificateRecord"), new DirectoryAttribute("cn", serial),
            new DirectoryAttribute("serialno", serial), new DirectoryAttribute("certStatus", "VALID"),
            new DirectoryAttribute("metaInfo", $"requestId:{serial}", "profileId:caFullCMCUserCert")));
        return serial;
    }

    /// <summary>The shrTok values of the first entry with this uid, as the CA searches.</summary>
    public IReadOnlyList<string> EnrollmentTokens(string uid)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(PeopleBase, $"(uid={uid})", SearchScope.Subtree, "shrTok"));
        if (response.Entries.Count == 0) return [];
        var attribute = response.Entries[0].Attributes["shrTok"];
        return attribute is null ? [] : attribute.GetValues(typeof(byte[])).Cast<byte[]>().Select(Encoding.ASCII.GetString).ToList();
    }

    /// <summary>All metaInfo values of a certificate record.</summary>
    public IReadOnlyList<string> MetaInfo(string decimalSerial)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest($"cn={decimalSerial},{CertificateRepositoryBase}", "(objectClass=*)", SearchScope.Base, "metaInfo"));
        var attribute = response.Entries[0].Attributes["metaInfo"];
        return attribute is null ? [] : attribute.GetValues(typeof(string)).Cast<string>().ToList();
    }

    /// <summary>The revocation tokens of a record (values of metaInfo that start with revShrTok:).</summary>
    public IReadOnlyList<string> RevocationTokens(string decimalSerial) =>
        MetaInfo(decimalSerial).Where(v => v.StartsWith("revShrTok:", StringComparison.Ordinal)).Select(v => v["revShrTok:".Length..]).ToList();

    /// <summary>
    /// Removes the ACI of <paramref name="entryDn"/> whose acl name is <paramref name="aclName"/> (as
    /// Directory Manager); returns its exact value for <see cref="AddAci"/>. Others' tests share the
    /// directory: restore it within seconds, in a finally block.
    /// </summary>
    public string RemoveAci(string entryDn, string aclName)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(entryDn, "(objectClass=*)", SearchScope.Base, "aci"));
        var value = response.Entries[0].Attributes["aci"].GetValues(typeof(string)).Cast<string>()
            .Single(v => v.Contains($"acl \"{aclName}\"", StringComparison.Ordinal));
        _connection.SendRequest(new ModifyRequest(entryDn, DirectoryAttributeOperation.Delete, "aci", value));
        return value;
    }

    /// <summary>Adds an ACI value back to <paramref name="entryDn"/> (as Directory Manager).</summary>
    public void AddAci(string entryDn, string value) =>
        _connection.SendRequest(new ModifyRequest(entryDn, DirectoryAttributeOperation.Add, "aci", value));

    public void Dispose() => _connection.Dispose();
}
