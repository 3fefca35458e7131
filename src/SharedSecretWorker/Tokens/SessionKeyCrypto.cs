using System.Security.Cryptography;
using SharedSecretWorker.Common;
using SharedSecretWorker.Contracts.Tokens;

namespace SharedSecretWorker.Tokens;

/// <summary>The token's cryptography in software (docs/cmc-shared-token.md, "Token format").</summary>
internal static class SessionKeyCrypto
{
    /// <summary>RSA padding for <paramref name="keyWrap"/> (<see cref="KeyWrapPadding"/>).</summary>
    public static RSAEncryptionPadding Padding(KeyWrap keyWrap) => KeyWrapPadding.Of(keyWrap);

    /// <summary>AES-CBC, PKCS#7 padding, fixed IV of sixteen 0x01 bytes.</summary>
    public static byte[] EncryptPassphrase(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> passphrase)
    {
        using var aes = Aes.Create();
        aes.SetKey(sessionKey);
        return aes.EncryptCbc(passphrase, SharedTokenFormat.Iv(), PaddingMode.PKCS7);
    }

    /// <summary>
    /// Wraps the session key with the issuance protection public key, importing it for this call
    /// (the PKCS#11 encryptor's software wrap, tools). On the hot path use the overload with a kept key.
    /// </summary>
    public static byte[] WrapSessionKey(IssuanceProtectionKey key, ReadOnlySpan<byte> sessionKey, KeyWrap keyWrap)
    {
        using var rsa = RSA.Create(key.Parameters);
        return rsa.Encrypt(sessionKey, Padding(keyWrap));
    }

    /// <summary>
    /// Wraps the session key with the issuance protection public key imported once
    /// (<see cref="RsaPublicKeyPool"/>: one RSA object per concurrent caller, kept for the owner's life).
    /// </summary>
    public static byte[] WrapSessionKey(RsaPublicKeyPool key, ReadOnlySpan<byte> sessionKey, KeyWrap keyWrap) =>
        key.Encrypt(sessionKey, Padding(keyWrap));
}
