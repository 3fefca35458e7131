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
    public string CreateCertificateRecord() => IssueCertificate(subjectDn: null, "caFullCMCUserCert");

    /// <summary>
    /// Adds a certificate record the way Dogtag's CA does when it issues a certificate
    /// (CertificateRepository.addCertificateRecord): <c>cn</c> the decimal serial, <c>serialno</c> in
    /// Dogtag's sortable form (two-digit length, then the digits), <c>certStatus: VALID</c>, the
    /// dates as Dogtag writes them (<c>yyyyMMddHHmmss'Z'</c>, Directory String), <c>subjectName</c> as
    /// its X500Name prints the subject: for a shared-token enrollment the user's entry DN, with
    /// upper-case attribute names (<c>UID=jdoe,OU=people,DC=example,DC=com</c>), and the request and
    /// profile in metaInfo. Returns the decimal serial.
    /// </summary>
    /// <param name="subjectDn">The certificate's subject (the user's entry DN), or null for a record whose subject is no entry.</param>
    /// <param name="profileId">The profile the CA used.</param>
    public string IssueCertificate(string? subjectDn, string profileId = "caFullCMCSharedTokenCert")
    {
        var serial = (900_000_000L + Random.Shared.NextInt64(1, 99_999_999)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        var subject = subjectDn is null ? $"CN=Test Certificate {serial},O=Example" : AsX500Name(subjectDn);
        _connection.SendRequest(new AddRequest($"cn={serial},{CertificateRepositoryBase}",
            new DirectoryAttribute("objectClass", "top", "certificateRecord"), new DirectoryAttribute("cn", serial),
            new DirectoryAttribute("serialno", DogtagSerial(serial)), new DirectoryAttribute("certStatus", "VALID"),
            new DirectoryAttribute("autoRenew", "ENABLED"), new DirectoryAttribute("issuedBy", "system"),
            new DirectoryAttribute("subjectName", subject), new DirectoryAttribute("issuerName", "CN=CA Signing Certificate,O=EXAMPLE"),
            new DirectoryAttribute("dateOfCreate", DogtagDate(now)), new DirectoryAttribute("dateOfModify", DogtagDate(now)),
            new DirectoryAttribute("notBefore", DogtagDate(now)), new DirectoryAttribute("notAfter", DogtagDate(now.AddYears(1))),
            new DirectoryAttribute("metaInfo", $"requestId:{serial}", $"profileId:{profileId}")));
        return serial;
    }

    /// <summary>
    /// Revokes a record the way the CA does (CertificateRepository.markAsRevoked): one modify setting
    /// <c>certStatus: REVOKED</c>, <c>revokedOn</c>, <c>revokedBy</c>, <c>revInfo</c> and <c>dateOfModify</c>;
    /// <c>metaInfo</c> is left as it is.
    /// </summary>
    public void RevokeCertificate(string decimalSerial)
    {
        var now = DogtagDate(DateTimeOffset.UtcNow);
        var request = new ModifyRequest($"cn={decimalSerial},{CertificateRepositoryBase}");
        request.Modifications.Add(Replace("certStatus", "REVOKED"));
        request.Modifications.Add(Replace("revokedOn", now));
        request.Modifications.Add(Replace("revokedBy", "system"));
        request.Modifications.Add(Replace("revInfo", "0;CRLReasonExtension=1"));
        request.Modifications.Add(Replace("dateOfModify", now));
        _connection.SendRequest(request);
    }

    /// <summary>Adds a metaInfo value to a record, as another party might (as Directory Manager).</summary>
    public void AddMetaInfo(string decimalSerial, string value) =>
        _connection.SendRequest(new ModifyRequest($"cn={decimalSerial},{CertificateRepositoryBase}", DirectoryAttributeOperation.Add, "metaInfo", value));

    /// <summary>Deletes a certificate record (tests clean up after themselves).</summary>
    public void DeleteCertificateRecord(string decimalSerial) =>
        _connection.SendRequest(new DeleteRequest($"cn={decimalSerial},{CertificateRepositoryBase}"));

    /// <summary>Deletes a person made by <see cref="CreatePerson"/> (harnesses that make thousands clean up after themselves).</summary>
    public void DeletePerson(string uid) =>
        _connection.SendRequest(new DeleteRequest(PersonDn(uid)));

    /// <summary>The user entry's DN for <paramref name="uid"/> (as created by <see cref="CreatePerson"/>).</summary>
    public string PersonDn(string uid) => $"uid={uid},{PeopleBase}";

    private static DirectoryAttributeModification Replace(string attribute, string value)
    {
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = DirectoryAttributeOperation.Replace };
        modification.Add(value);
        return modification;
    }

    /// <summary>Dogtag's DateMapper form: <c>yyyyMMddHHmmss'Z'</c>.</summary>
    public static string DogtagDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyyMMddHHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Dogtag's BigIntegerMapper form: the number of digits (two digits below ten) and then the digits.</summary>
    public static string DogtagSerial(string decimalSerial) =>
        (decimalSerial.Length < 10 ? "0" : "") + decimalSerial.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + decimalSerial;

    /// <summary>An LDAP DN as Dogtag's X500Name prints it: the attribute names upper case, no spaces.</summary>
    public static string AsX500Name(string dn) =>
        string.Join(",", dn.Split(',').Select(rdn => rdn.Split('=', 2) is [var type, var value] ? type.Trim().ToUpperInvariant() + "=" + value.Trim() : rdn));

    /// <summary>The shrTok values of the first entry with this uid, as the CA searches.</summary>
    public IReadOnlyList<string> EnrollmentTokens(string uid)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(PeopleBase, $"(uid={uid})", SearchScope.Subtree, "shrTok"));
        if (response.Entries.Count == 0) return [];
        var attribute = response.Entries[0].Attributes["shrTok"];
        return attribute is null ? [] : attribute.GetValues(typeof(byte[])).Cast<byte[]>().Select(Encoding.ASCII.GetString).ToList();
    }

    /// <summary>The values of <paramref name="attribute"/> (as text) of the first entry with this uid.</summary>
    public IReadOnlyList<string> PersonAttribute(string uid, string attribute)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(PeopleBase, $"(uid={uid})", SearchScope.Subtree, attribute));
        if (response.Entries.Count == 0) return [];
        var values = response.Entries[0].Attributes[attribute];
        return values is null ? [] : values.GetValues(typeof(byte[])).Cast<byte[]>().Select(Encoding.UTF8.GetString).ToList();
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
