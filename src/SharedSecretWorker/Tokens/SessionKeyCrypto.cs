using System.Security.Cryptography;
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

    /// <summary>Wraps the session key with the issuance protection public key.</summary>
    public static byte[] WrapSessionKey(IssuanceProtectionKey key, ReadOnlySpan<byte> sessionKey, KeyWrap keyWrap)
    {
        // A fresh RSA object per call: RSA instances are not documented as thread-safe, and
        // importing a public key costs little next to the encryption itself.
        using var rsa = RSA.Create(key.Parameters);
        return rsa.Encrypt(sessionKey, Padding(keyWrap));
    }
}
