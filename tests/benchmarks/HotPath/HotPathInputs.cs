using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Realistic inputs shared by the hot-path benchmarks: what one enrollment carries through the worker
/// (docs/messages.md's example request, a 20-character passphrase, RSA-2048 keys as the CA and a
/// channel would have).
/// </summary>
internal static class HotPathInputs
{
    /// <summary>The AMQP message_id a producer sets (shrtok submit sets it to the requestId).</summary>
    public const string MessageId = "idm-0419";

    /// <summary>The channel the request names; the sealer and parser know it.</summary>
    public const string Channel = "email";

    /// <summary>The entry the directory write reports.</summary>
    public const string Dn = "uid=jdoe,ou=people,dc=example,dc=com";

    /// <summary>A typical enrollment body, as a producer sends it (docs/messages.md, "Requests").</summary>
    public static byte[] EnrollmentBody() =>
        """{"version":1,"kind":"enrollment","requestId":"idm-0419","uid":"jdoe","delivery":{"channel":"email","address":"jdoe@example.com"}}"""u8.ToArray();

    /// <summary>A passphrase of the default policy (20 characters, no grouping).</summary>
    public static byte[] Passphrase() => "K7QMZ3WXH9RT2BNPC4DF"u8.ToArray();

    /// <summary>A throw-away RSA-2048 issuance protection key (public part only, as the worker holds it).</summary>
    public static IssuanceProtectionKey IssuanceProtectionKey()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return SharedSecretWorker.Tokens.IssuanceProtectionKey.FromModulus(parameters.Modulus!, parameters.Exponent!, "benchmark key");
    }

    /// <summary>A throw-away RSA-2048 channel certificate (keyEncipherment), as RecipientCertificate accepts.</summary>
    public static X509Certificate2 ChannelCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=benchmark email channel", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var withKey = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        // The sealer needs the public certificate only, as it loads it from a file.
        return X509CertificateLoader.LoadCertificate(withKey.Export(X509ContentType.Cert));
    }

    /// <summary>A token as the directory stores it (RSA-2048 wrap: about 390 base64 characters).</summary>
    public static string Token()
    {
        var sessionKey = RandomNumberGenerator.GetBytes(SharedTokenFormat.SessionKeyBytes);
        var key = IssuanceProtectionKey();
        return SharedTokenCodec.Encode(SessionKeyCrypto.WrapSessionKey(key, sessionKey, KeyWrap.Pkcs1),
            SessionKeyCrypto.EncryptPassphrase(sessionKey, Passphrase()));
    }
}
