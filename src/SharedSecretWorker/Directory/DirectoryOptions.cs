namespace SharedSecretWorker.Directory;

/// <summary>
/// Configuration section <c>Directory</c> (docs/operations.md, "Configuration"). Validated at start-up by
/// <see cref="DirectoryOptionsValidator"/>; errors name the key.
/// </summary>
public sealed class DirectoryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Directory";

    /// <summary>Default enrollment token attribute: the CA's <c>shrTokAttr</c> default.</summary>
    public const string DefaultEnrollmentTokenAttribute = "shrTok";

    /// <summary>Default pool size.</summary>
    public const int DefaultMaxConnections = 8;

    /// <summary>Default bound on optimistic-concurrency retries of one write.</summary>
    public const int DefaultMaxConcurrencyRetries = 5;

    /// <summary>Default time one LDAP operation may take.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default time to connect, negotiate TLS and bind.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary><c>ldap://host[:port]</c> or <c>ldaps://host[:port]</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>Upgrade an <c>ldap://</c> connection with StartTLS (RFC 4511 section 4.14) before binding.</summary>
    public bool StartTls { get; set; }

    /// <summary>PEM file of the CA certificate(s) to trust for ldaps/StartTLS; empty: the system's trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>DN for the simple bind.</summary>
    public string BindDn { get; set; } = "";

    /// <summary>File holding the bind password (systemd credential name or path; see SecretFile).</summary>
    public string BindPasswordFile { get; set; } = "";

    /// <summary>Where the CA searches users (<c>auths.instance.SharedToken.ldap.basedn</c>).</summary>
    public string PeopleBase { get; set; } = "";

    /// <summary>Parent of the CA's certificate records <c>cn=&lt;decimal serial&gt;</c>.</summary>
    public string CertificateRepositoryBase { get; set; } = "";

    /// <summary>Where revocation tokens go; default what the CA's code reads.</summary>
    public RevocationTokenAttribute RevocationTokenAttribute { get; set; } = RevocationTokenAttribute.MetaInfo;

    /// <summary>The CA's <c>shrTokAttr</c>.</summary>
    public string EnrollmentTokenAttribute { get; set; } = DefaultEnrollmentTokenAttribute;

    /// <summary>Most connections open at once (the pool's bound).</summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>
    /// Time one attempt (the lookup and its modify) may take, and the longest wait for a free
    /// connection; enforced by the pool itself (S.DS.P's own request timeout does not work on Linux x64).
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = DefaultOperationTimeout;

    /// <summary>Time to connect, negotiate TLS and bind.</summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>How often a write is retried when another writer changed the record in between.</summary>
    public int MaxConcurrencyRetries { get; set; } = DefaultMaxConcurrencyRetries;
}
