namespace SharedSecretWorker.Common;

/// <summary>
/// A private directory holding a copy of <c>Directory:CaFile</c>, for
/// <see cref="System.DirectoryServices.Protocols.LdapSessionOptions.TrustedCertificatesDirectory"/>.
/// S.DS.P exposes libldap's CA directory option but not its CA file option, and .NET's
/// Environment.SetEnvironmentVariable does not reach libldap's LDAPTLS_CACERT. Debian's libldap is
/// built with GnuTLS, which loads every PEM file in that directory
/// (gnutls_certificate_set_x509_trust_dir), so no OpenSSL hash links are needed. (A libldap built
/// with OpenSSL, as on RHEL, looks certificates up by subject hash and would need the file named
/// like <c>openssl rehash</c> names it.)
/// </summary>
internal sealed class TrustedCaDirectory : IDisposable
{
    private const string FileName = "ca.pem";

    private TrustedCaDirectory(string path) => Path = path;

    public string Path { get; }

    public static TrustedCaDirectory Create(string caFile)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("shrtok-ldap-ca-");
        File.Copy(caFile, System.IO.Path.Combine(directory.FullName, FileName));
        return new TrustedCaDirectory(directory.FullName);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a public CA certificate left in the temp folder is harmless.
        }
    }
}
