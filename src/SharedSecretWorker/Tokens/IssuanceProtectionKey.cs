using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharedSecretWorker.Tokens;

/// <summary>The CA's issuance protection RSA public key, the key every token's session key is wrapped with.</summary>
internal sealed class IssuanceProtectionKey
{
    private IssuanceProtectionKey(RSAParameters parameters, string description, string? certificateSha256 = null)
    {
        Parameters = parameters;
        Description = description;
        CertificateSha256 = certificateSha256;
    }

    /// <summary>Modulus and public exponent (no private part).</summary>
    public RSAParameters Parameters { get; }

    /// <summary>Big-endian modulus, as PKCS#11 <c>CKA_MODULUS</c> holds it.</summary>
    public byte[] Modulus => Parameters.Modulus!;

    /// <summary>Big-endian public exponent, as PKCS#11 <c>CKA_PUBLIC_EXPONENT</c> holds it.</summary>
    public byte[] Exponent => Parameters.Exponent!;

    /// <summary>
    /// Lower-case hex SHA-256 of the DER certificate the key came from: the <c>wrappedTo</c> of every
    /// token wrapped with it, so that a re-key can find the tokens the CA can no longer open. Null when
    /// the key came without a certificate (a PEM public key, or a bare key object on the HSM).
    /// </summary>
    public string? CertificateSha256 { get; }

    /// <summary>Where the key came from and its size, for logs.</summary>
    public string Description { get; }

    /// <summary>Loads the key from a PEM or DER certificate file (or a PEM <c>PUBLIC KEY</c>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">Configuration key or option naming the file, for error messages.</param>
    public static IssuanceProtectionKey FromFile(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new TokenEngineException($"{what} is not set: name the CA's issuance protection certificate (PEM).");
        if (!File.Exists(path)) throw new TokenEngineException($"{what}: the file '{path}' does not exist.");
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenEngineException($"{what}: the file '{path}' cannot be read: {e.Message}", e);
        }
        var text = System.Text.Encoding.ASCII.GetString(content);
        if (text.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal) && !text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(text);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new TokenEngineException($"{what}: '{path}' holds a PUBLIC KEY that is not an RSA key.", e);
            }
            return FromRsa(rsa, $"public key {path}");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(content);
        }
        catch (CryptographicException e)
        {
            throw new TokenEngineException($"{what}: '{path}' is not a PEM or DER X.509 certificate.", e);
        }
        using (certificate)
        {
            return FromCertificate(certificate, what, $"certificate '{certificate.Subject}' from {path}");
        }
    }

    /// <summary>Takes the key of a DER certificate (for example the <c>CKA_VALUE</c> of a certificate object on a token).</summary>
    public static IssuanceProtectionKey FromCertificateDer(byte[] der, string what, string source)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new TokenEngineException($"{what}: {source} is not a DER X.509 certificate.", e);
        }
        using (certificate)
        {
            return FromCertificate(certificate, what, $"certificate '{certificate.Subject}' from {source}");
        }
    }

    /// <summary>Builds the key from its modulus and exponent.</summary>
    public static IssuanceProtectionKey FromModulus(byte[] modulus, byte[] exponent, string description)
    {
        var parameters = new RSAParameters { Modulus = TrimLeadingZeros(modulus), Exponent = TrimLeadingZeros(exponent) };
        return new IssuanceProtectionKey(parameters, $"{description} (RSA-{parameters.Modulus.Length * 8})");
    }

    /// <summary>True when both are the same RSA public key.</summary>
    public bool SameKeyAs(IssuanceProtectionKey other) =>
        Modulus.AsSpan().SequenceEqual(other.Modulus) && Exponent.AsSpan().SequenceEqual(other.Exponent);

    private static IssuanceProtectionKey FromCertificate(X509Certificate2 certificate, string what, string description)
    {
        using var rsa = certificate.GetRSAPublicKey()
            ?? throw new TokenEngineException($"{what}: the certificate '{certificate.Subject}' does not hold an RSA key; the CA wraps session keys with RSA only.");
        var key = FromRsa(rsa, description);
        return new IssuanceProtectionKey(key.Parameters, key.Description, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
    }

    private static IssuanceProtectionKey FromRsa(RSA rsa, string description)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return FromModulus(parameters.Modulus!, parameters.Exponent!, description);
    }

    private static byte[] TrimLeadingZeros(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0) start++;
        return start == 0 ? value : value[start..];
    }
}
