using Microsoft.Extensions.Logging;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Tokens;

/// <summary>
/// Picks the encryptor: PKCS#11 when <c>Hsm:Library</c> is set, software otherwise
/// (docs/messages.md: "Hsm:Library ... empty means the software encryptor").
/// </summary>
public static class TokenEncryptorFactory
{
    public static ITokenEncryptor Create(TokenOptions token, HsmOptions hsm, ILoggerFactory loggerFactory)
    {
        var keyWrap = token.KeyWrap ?? throw new TokenEngineException("Token:KeyWrap is required: Pkcs1 or Oaep, the same as the CA's keyWrap.useOAEP.");
        var fileKey = string.IsNullOrWhiteSpace(token.IssuanceProtectionCertificateFile)
            ? null
            : IssuanceProtectionKey.FromFile(token.IssuanceProtectionCertificateFile, "Token:IssuanceProtectionCertificateFile");
        if (!string.IsNullOrWhiteSpace(hsm.Library))
        {
            return new Pkcs11TokenEncryptor(hsm, keyWrap, fileKey, loggerFactory.CreateLogger<Pkcs11TokenEncryptor>());
        }
        return new SoftwareTokenEncryptor(
            fileKey ?? throw new TokenEngineException("Token:IssuanceProtectionCertificateFile is required without Hsm:Library (the software encryptor)."),
            keyWrap);
    }
}
