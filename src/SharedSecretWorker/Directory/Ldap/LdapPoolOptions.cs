namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// The directory settings of a small pool of its own (the lifecycle's, the token listing's): the same
/// server, TLS and bind, at most <c>connections</c> connections, so that such work never takes a
/// connection that requests need.
/// </summary>
internal static class LdapPoolOptions
{
    public static DirectoryOptions With(DirectoryOptions options, int connections) => new()
    {
        Url = options.Url,
        StartTls = options.StartTls,
        CaFile = options.CaFile,
        BindDn = options.BindDn,
        BindPasswordFile = options.BindPasswordFile,
        PeopleBase = options.PeopleBase,
        CertificateRepositoryBase = options.CertificateRepositoryBase,
        RevocationTokenAttribute = options.RevocationTokenAttribute,
        EnrollmentTokenAttribute = options.EnrollmentTokenAttribute,
        MaxConnections = Math.Min(connections, options.MaxConnections),
        OperationTimeout = options.OperationTimeout,
        ConnectTimeout = options.ConnectTimeout,
        MaxConcurrencyRetries = options.MaxConcurrencyRetries,
    };
}
