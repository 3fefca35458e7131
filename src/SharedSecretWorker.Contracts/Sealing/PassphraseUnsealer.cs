using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;

namespace SharedSecretWorker.Contracts.Sealing;

/// <summary>
/// Opens a sealed passphrase with a channel's private key and certificate: what the hand-off
/// service does, and what <c>shrtok open-notice</c> and the tests do. The reverse of
/// the daemon's PassphraseSealer; it also opens envelopes sealed with RSA PKCS#1 v1.5 or other
/// content ciphers, since it reads the algorithms from the envelope.
/// </summary>
public sealed class PassphraseUnsealer : IDisposable
{
    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;

    private PassphraseUnsealer(RSA key, X509Certificate2 certificate)
    {
        _key = key;
        _certificate = certificate;
    }

    /// <summary>
    /// Loads an unencrypted PEM RSA private key (PKCS#8 or PKCS#1) and the matching certificate (PEM or DER).
    /// </summary>
    /// <exception cref="InvalidOperationException">A file is missing or unreadable, or the key does not belong to the certificate; the message names the file.</exception>
    public static PassphraseUnsealer Load(string keyFile, string certificateFile)
    {
        ArgumentNullException.ThrowIfNull(keyFile);
        ArgumentNullException.ThrowIfNull(certificateFile);
        var certificate = LoadCertificate(certificateFile);
        RSA? key = null;
        try
        {
            using var publicKey = certificate.GetRSAPublicKey()
                ?? throw new InvalidOperationException($"The certificate in '{certificateFile}' has no RSA key; sealed passphrases use RSA key transport.");
            key = LoadKey(keyFile);
            if (!SamePublicKey(key, publicKey))
                throw new InvalidOperationException($"The key in '{keyFile}' does not belong to the certificate in '{certificateFile}' (subject '{certificate.Subject}').");
            return new PassphraseUnsealer(key, certificate);
        }
        catch
        {
            key?.Dispose();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>Opens a DER EnvelopedData. The caller owns the returned passphrase bytes and clears them when done.</summary>
    /// <exception cref="UnsealException">Malformed input, or not openable with this key.</exception>
    public byte[] Unseal(ReadOnlySpan<byte> envelopeDer)
    {
        var envelope = new EnvelopedCms();
        try
        {
            envelope.Decode(envelopeDer);
        }
        catch (CryptographicException e)
        {
            throw new UnsealException(UnsealFailure.Malformed, $"The sealed passphrase is not a DER CMS EnvelopedData ({e.Message.TrimEnd('.')}).", e);
        }
        var recipient = envelope.RecipientInfos.Cast<RecipientInfo>().FirstOrDefault(IsMine);
        if (recipient is null)
        {
            var names = string.Join("; ", envelope.RecipientInfos.Cast<RecipientInfo>().Select(Describe));
            throw new UnsealException(UnsealFailure.WrongKey,
                $"The passphrase is sealed to another certificate ({names}), not to '{_certificate.Subject}' serial {_certificate.SerialNumber}: this key cannot open it.");
        }
        try
        {
            envelope.Decrypt(recipient, _key);
        }
        catch (CryptographicException e)
        {
            throw new UnsealException(UnsealFailure.WrongKey,
                $"The key does not open the sealed passphrase although it names this certificate ({e.Message.TrimEnd('.')}): wrong key, or the envelope was damaged.", e);
        }
        var content = envelope.ContentInfo.Content;
        var passphrase = content.AsSpan().ToArray();
        CryptographicOperations.ZeroMemory(content);
        return passphrase;
    }

    /// <summary><see cref="Unseal(ReadOnlySpan{byte})"/> of the base64 text a notice's <c>sealedPassphrase</c> holds.</summary>
    /// <exception cref="UnsealException">Not base64, malformed, or not openable with this key.</exception>
    public byte[] UnsealBase64(string sealedPassphrase)
    {
        ArgumentNullException.ThrowIfNull(sealedPassphrase);
        byte[] der;
        try
        {
            der = Convert.FromBase64String(sealedPassphrase);
        }
        catch (FormatException e)
        {
            throw new UnsealException(UnsealFailure.Malformed, "The sealed passphrase is not base64.", e);
        }
        return Unseal(der);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
        _certificate.Dispose();
    }

    private bool IsMine(RecipientInfo recipient)
    {
        if (recipient.Type != RecipientInfoType.KeyTransport) return false;
        var id = recipient.RecipientIdentifier;
        return id.Type switch
        {
            SubjectIdentifierType.IssuerAndSerialNumber when id.Value is X509IssuerSerial issuerSerial =>
                string.Equals(issuerSerial.SerialNumber.TrimStart('0'), _certificate.SerialNumber.TrimStart('0'), StringComparison.OrdinalIgnoreCase)
                && issuerSerial.IssuerName == _certificate.IssuerName.Name,
            SubjectIdentifierType.SubjectKeyIdentifier when id.Value is string keyId =>
                _certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault() is { } extension
                && string.Equals(extension.SubjectKeyIdentifier, keyId, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    private static string Describe(RecipientInfo recipient) => recipient.RecipientIdentifier.Value switch
    {
        X509IssuerSerial issuerSerial => $"issuer '{issuerSerial.IssuerName}' serial {issuerSerial.SerialNumber}",
        string keyId => $"subject key identifier {keyId}",
        _ => recipient.Type.ToString(),
    };

    private static X509Certificate2 LoadCertificate(string path)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"The certificate file '{path}' does not exist.");
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"The file '{path}' is not an X.509 certificate in PEM or DER ({e.Message.TrimEnd('.')}).", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidOperationException($"The certificate file '{path}' cannot be read by this user.", e);
        }
    }

    private static RSA LoadKey(string path)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"The key file '{path}' does not exist.");
        char[] pem;
        try
        {
            pem = File.ReadAllText(path).ToCharArray();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidOperationException($"The key file '{path}' cannot be read by this user.", e);
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (ArgumentException e)
        {
            rsa.Dispose();
            // ImportFromPem's message never quotes the key; still, keep only our own words.
            throw new InvalidOperationException($"The key file '{path}' holds no unencrypted PEM RSA private key (PRIVATE KEY or RSA PRIVATE KEY).", e);
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"The key file '{path}' holds a PEM block that is not a usable RSA private key.", e);
        }
        finally
        {
            Array.Clear(pem);
        }
    }

    private static bool SamePublicKey(RSA key, RSA publicKey)
    {
        var a = key.ExportParameters(false);
        var b = publicKey.ExportParameters(false);
        return a.Modulus.AsSpan().SequenceEqual(b.Modulus) && a.Exponent.AsSpan().SequenceEqual(b.Exponent);
    }
}
