using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharedSecretWorker.Delivery;

/// <summary>
/// Loads and checks a channel's recipient certificate. Every refusal names the configuration key
/// (<c>Delivery:Channels:&lt;name&gt;:CertificateFile</c>) and the file, so an operator can fix it
/// from the start-up error alone.
/// </summary>
internal static class RecipientCertificate
{
    /// <summary>
    /// Smallest RSA modulus accepted. NIST SP 800-131A disallows key transport below 2048 bits;
    /// a passphrase sealed to a weaker key would be the weakest link of the hand-off.
    /// </summary>
    public const int MinRsaKeyBits = 2048;

    /// <summary>
    /// Loads the certificate of <paramref name="channel"/> from <paramref name="path"/> (PEM or DER).
    /// Returns null and sets <paramref name="error"/> when the file is missing, unreadable, not a
    /// certificate, not RSA, too weak, not for key encipherment, or expired at <paramref name="now"/>.
    /// </summary>
    public static X509Certificate2? TryLoad(string channel, string path, DateTimeOffset now, out string error)
    {
        var key = DeliveryOptions.CertificateFileKey(channel);
        if (string.IsNullOrWhiteSpace(path))
        {
            error = $"{key} is not set: name the PEM certificate of the channel's hand-off service.";
            return null;
        }
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            error = $"{key}: the file '{fullPath}' does not exist.";
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificateFromFile(fullPath);
        }
        catch (UnauthorizedAccessException)
        {
            error = $"{key}: the file '{fullPath}' cannot be read by this user.";
            return null;
        }
        catch (CryptographicException e)
        {
            error = $"{key}: the file '{fullPath}' is not an X.509 certificate in PEM or DER ({e.Message.TrimEnd('.')}).";
            return null;
        }
        var problem = Check(certificate, now);
        if (problem is null)
        {
            error = "";
            return certificate;
        }
        certificate.Dispose();
        error = $"{key}: the certificate in '{fullPath}' {problem}";
        return null;
    }

    private static string? Check(X509Certificate2 certificate, DateTimeOffset now)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is null)
            return $"has a {certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value} key; sealing needs an RSA key (RSA-OAEP key transport, docs/messages.md, section Delivery notices).";
        if (rsa.KeySize < MinRsaKeyBits)
            return $"has a {rsa.KeySize}-bit RSA key; at least {MinRsaKeyBits} bits are required.";
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (notAfter <= now)
            return $"(subject '{certificate.Subject}') expired on {notAfter:yyyy-MM-dd HH:mm:ss}Z.";
        // RFC 5280 4.2.1.3: when keyUsage is present, key transport needs keyEncipherment.
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyEncipherment))
            return $"(subject '{certificate.Subject}') has a keyUsage extension without keyEncipherment ({usage.KeyUsages}); it may not receive a sealed key.";
        return null;
    }
}
