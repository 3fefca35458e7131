using System.DirectoryServices.Protocols;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Directory.Ldap;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// The stack's 389 DS for one test: an admin connection (Directory Manager) to create fresh,
/// uniquely named people and certificate records and to inspect them independently of the store,
/// and stores under test that bind as the worker's least-privileged account. Everything created
/// is deleted on Dispose, so tests run in parallel and can be re-run.
/// </summary>
internal sealed class DirectoryTestBed : IDisposable
{
    public const string RequestIdValue = "requestId:5709";
    public const string ProfileIdValue = "profileId:caFullCMCSharedTokenCert";

    private readonly List<string> _created = [];
    private readonly List<IDisposable> _stores = [];

    public DirectoryTestBed()
    {
        Stack = StackEnvironment.Load();
        PeopleBase = Stack.Get("STACK_PEOPLE_BASE");
        RepositoryBase = Stack.Get("STACK_CERT_REPOSITORY_BASE");
        var uri = new Uri(Stack.Get("STACK_LDAP_URL"));
        Admin = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port), new NetworkCredential(
            Stack.Get("STACK_LDAP_ADMIN_DN"), Stack.ReadFile("STACK_LDAP_ADMIN_PASSWORD_FILE")), AuthType.Basic);
        Admin.SessionOptions.ProtocolVersion = 3;
        Admin.Bind();
    }

    public StackEnvironment Stack { get; }

    public string PeopleBase { get; }

    public string RepositoryBase { get; }

    /// <summary>Directory Manager: setup and independent inspection only, never the store under test.</summary>
    public LdapConnection Admin { get; }

    /// <summary>Options for the worker's bind on plain LDAP; tests adjust a copy.</summary>
    public DirectoryOptions WorkerOptions() => new()
    {
        Url = Stack.Get("STACK_LDAP_URL"),
        BindDn = Stack.Get("STACK_LDAP_WORKER_DN"),
        BindPasswordFile = Stack.Get("STACK_LDAP_WORKER_PASSWORD_FILE"),
        PeopleBase = PeopleBase,
        CertificateRepositoryBase = RepositoryBase,
    };

    /// <summary>A store under test, validated like the daemon validates it, disposed with the test bed.</summary>
    public LdapDirectoryStore Store(Action<DirectoryOptions>? adjust = null)
    {
        var options = WorkerOptions();
        adjust?.Invoke(options);
        var validation = new DirectoryOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        var store = new LdapDirectoryStore(Options.Create(options), NullLogger<LdapDirectoryStore>.Instance);
        _stores.Add(store);
        return store;
    }

    public static string NewUid() => "t-" + Guid.NewGuid().ToString("N");

    /// <summary>Creates <c>uid=&lt;uid&gt;,&lt;people base&gt;</c> (inetOrgPerson, no token); returns its DN.</summary>
    public string CreatePerson(string uid, bool extensible = false, string? rdn = null)
    {
        var dn = $"{rdn ?? "uid=" + uid},{PeopleBase}";
        var classes = new List<object> { "top", "person", "organizationalPerson", "inetOrgPerson" };
        if (extensible) classes.Add("extensibleObject");
        var request = new AddRequest(dn,
            new DirectoryAttribute("objectClass", [.. classes]),
            new DirectoryAttribute("uid", uid),
            new DirectoryAttribute("cn", rdn is null ? uid : rdn[(rdn.IndexOf('=') + 1)..]),
            new DirectoryAttribute("sn", "Test"));
        Admin.SendRequest(request);
        _created.Add(dn);
        return dn;
    }

    /// <summary>A serial no other test uses: 96 random bits, so it never collides with the stack's samples.</summary>
    public static CertificateSerial NewSerial()
    {
        var bytes = RandomNumberGenerator.GetBytes(12);
        var value = new BigInteger(bytes, isUnsigned: true) | (BigInteger.One << 95);
        return CertificateSerial.Parse(value.ToString());
    }

    /// <summary>Creates a certificate record like the CA's, with requestId and profileId in metaInfo; returns its DN.</summary>
    public string CreateRecord(CertificateSerial serial, params string[] extraMetaInfo) => CreateRecord(serial, false, extraMetaInfo);

    /// <summary>As above; <paramref name="extensible"/> adds objectClass extensibleObject (for the shrTok variant).</summary>
    public string CreateRecord(CertificateSerial serial, bool extensible, params string[] extraMetaInfo)
    {
        var dn = $"cn={serial.Decimal},{RepositoryBase}";
        object[] metaInfo = [RequestIdValue, ProfileIdValue, .. extraMetaInfo];
        object[] classes = extensible ? ["top", "certificateRecord", "extensibleObject"] : ["top", "certificateRecord"];
        Admin.SendRequest(new AddRequest(dn,
            new DirectoryAttribute("objectClass", classes),
            new DirectoryAttribute("cn", serial.Decimal),
            new DirectoryAttribute("serialno", serial.Decimal),
            new DirectoryAttribute("certStatus", "VALID"),
            new DirectoryAttribute("metaInfo", metaInfo)));
        _created.Add(dn);
        return dn;
    }

    /// <summary>The entry's values of <paramref name="attribute"/>, read as Directory Manager.</summary>
    public List<string> Values(string dn, string attribute)
    {
        var response = (SearchResponse)Admin.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attribute));
        var values = response.Entries[0].Attributes[attribute];
        return values is null ? [] : values.GetValues(typeof(byte[])).Cast<byte[]>().Select(Encoding.UTF8.GetString).ToList();
    }

    /// <summary>The CA's enrollment lookup, done independently: subtree (uid=...) under the people base.</summary>
    public SearchResultEntryCollection SearchLikeTheCa(string uid)
    {
        var request = new SearchRequest(PeopleBase, $"(uid={uid})", SearchScope.Subtree, "shrTok", "objectClass");
        return ((SearchResponse)Admin.SendRequest(request)).Entries;
    }

    /// <summary>
    /// DNs of every entry under the people base that holds <paramref name="token"/> in shrTok and
    /// was modified since <paramref name="since"/>. shrTok (Octet String, no EQUALITY rule) cannot
    /// be matched by value on the server, so candidates are narrowed by modifyTimestamp and
    /// compared here; tokens are unique, so this is safe next to tests running in parallel.
    /// </summary>
    public List<string> EntriesHoldingToken(string token, DateTime since)
    {
        // modifyTimestamp has one-second resolution: look a little further back.
        var from = since.ToUniversalTime().AddSeconds(-2).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var request = new SearchRequest(PeopleBase, $"(&(shrTok=*)(modifyTimestamp>={from}Z))", SearchScope.Subtree, "shrTok");
        var expected = Encoding.ASCII.GetBytes(token);
        return ((SearchResponse)Admin.SendRequest(request)).Entries.Cast<SearchResultEntry>()
            .Where(e => e.Attributes["shrTok"].GetValues(typeof(byte[])).Cast<byte[]>().Any(v => v.AsSpan().SequenceEqual(expected)))
            .Select(e => e.DistinguishedName)
            .ToList();
    }

    public void AddMetaInfo(string dn, string value)
        => Admin.SendRequest(new ModifyRequest(dn, DirectoryAttributeOperation.Add, "metaInfo", value));

    /// <summary>A fresh, CA-shaped token text (single-line base64 of random bytes).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(270));

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        foreach (var dn in _created)
        {
            try
            {
                Admin.SendRequest(new DeleteRequest(dn));
            }
            catch (DirectoryOperationException)
            {
                // Already gone: nothing to clean.
            }
        }
        Admin.Dispose();
    }
}
