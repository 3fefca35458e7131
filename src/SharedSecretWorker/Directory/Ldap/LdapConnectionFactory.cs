using System.DirectoryServices.Protocols;
using System.Net;
using SharedSecretWorker.Common;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// Opens bound connections: LDAPv3, optional LDAPS or StartTLS with the configured CA, simple bind
/// with the password read from <c>Directory:BindPasswordFile</c> on every dial (so a rotated
/// password is picked up on reconnect).
/// </summary>
internal sealed class LdapConnectionFactory : IDisposable
{
    private readonly DirectoryOptions _options;
    private readonly TrustedCaDirectory? _caDirectory;

    public LdapConnectionFactory(DirectoryOptions options)
    {
        _options = options;
        if (!LdapEndpoint.TryParse(options.Url, out var endpoint, out var error))
            throw new InvalidOperationException($"{DirectoryOptions.SectionName}:Url {error}");
        Endpoint = endpoint;
        if (UsesTls && !string.IsNullOrEmpty(options.CaFile))
            _caDirectory = TrustedCaDirectory.Create(options.CaFile);
    }

    public LdapEndpoint Endpoint { get; }

    private bool UsesTls => Endpoint.Ldaps || _options.StartTls;

    /// <summary>
    /// What to check when a TLS connection fails as "server down": libldap reports a certificate it
    /// does not trust, or one for another host name, as result 81 with no detail (ldapsearch says
    /// only "Can't contact LDAP server"), so the message has to name the likely settings.
    /// </summary>
    public string? TlsFailureHint => UsesTls
        ? $"If the server is up, its TLS certificate is not trusted by {DirectoryOptions.SectionName}:CaFile"
          + (string.IsNullOrEmpty(_options.CaFile) ? " (not set: the system's CAs)" : $" ('{_options.CaFile}')")
          + $" or does not name the host '{Endpoint.Host}' of {DirectoryOptions.SectionName}:Url."
        : null;

    /// <summary>libldap's own request timeout, in multiples of <c>Directory:OperationTimeout</c>.</summary>
    public const int LibldapBackstopFactor = 5;

    /// <summary>Connects, negotiates TLS and binds; blocking (libldap's calls are synchronous).</summary>
    public LdapConnection Open()
    {
        var password = SecretFile.ReadString(_options.BindPasswordFile, $"{DirectoryOptions.SectionName}:BindPasswordFile");
        var identifier = new LdapDirectoryIdentifier(Endpoint.Host, Endpoint.Port, fullyQualifiedDnsHostName: true, connectionless: false);
        var connection = new LdapConnection(identifier, new NetworkCredential(_options.BindDn, password), AuthType.Basic)
        {
            // Bind explicitly below, so that StartTLS can come first.
            AutoBind = false,
            // libldap's own timeout is only a backstop behind the pool's watchdog, which is the
            // authority (LdapConnectionPool: S.DS.P hands libldap a malformed timeval on Linux x64).
            // Set well past it, so that the watchdog, not a race with libldap, decides that a call is
            // abandoned, and an abandoned call keeps its slot for a while rather than a moment.
            Timeout = LibldapBackstopFactor * _options.OperationTimeout,
        };
        try
        {
            var session = connection.SessionOptions;
            // libldap defaults to LDAPv2 through S.DS.P on Linux; 389 DS and controls need v3.
            session.ProtocolVersion = 3;
            session.ReferralChasing = ReferralChasingOptions.None;
            if (UsesTls)
            {
                session.SecureSocketLayer = Endpoint.Ldaps;
                // Windows (wldap32) trusts its own certificate store; elsewhere libldap takes the CA here.
                if (!OperatingSystem.IsWindows())
                {
                    if (_caDirectory is not null)
                        session.TrustedCertificatesDirectory = _caDirectory.Path;
                    // TLS options only take effect in a new TLS context (LDAP_OPT_X_TLS_NEWCTX).
                    session.StartNewTlsSessionContext();
                }
            }
            if (_options.StartTls)
                StartTls(connection);
            connection.Bind();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void StartTls(LdapConnection connection)
    {
        // S.DS.P on Linux sets libldap's URI only when it first sends a request (or binds), and
        // StartTransportLayerSecurity does not do it; a root DSE read before the bind connects the
        // handle in clear so that StartTLS has a server to talk to.
        var rootDse = new SearchRequest("", "(objectClass=*)", SearchScope.Base, "supportedExtension");
        connection.SendRequest(rootDse);
        connection.SessionOptions.StartTransportLayerSecurity(null);
    }

    public void Dispose() => _caDirectory?.Dispose();
}
