using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ShrTok;

/// <summary>
/// The lower-case hex SHA-256 of a certificate's DER: how token records name the issuance protection
/// certificate a token was wrapped to (docs/token-lifecycle.md, "Outstanding tokens").
/// </summary>
internal static class CertificateFingerprint
{
    public static bool TryRead(string path, out string? fingerprint, out string? problem)
    {
        fingerprint = null;
        problem = null;
        if (!File.Exists(path))
        {
            problem = $"the file '{path}' does not exist.";
            return false;
        }
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
            fingerprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
            return true;
        }
        catch (CryptographicException ex)
        {
            problem = $"'{path}' is not a certificate in PEM or DER ({ex.Message}).";
            return false;
        }
    }
}
