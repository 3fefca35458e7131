using System.Security.Cryptography;

namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>The RSA padding of each <see cref="KeyWrap"/> (docs/cmc-shared-token.md, "Key wrap").</summary>
public static class KeyWrapPadding
{
    /// <summary>
    /// RSA padding for <paramref name="keyWrap"/>. .NET's OAEP-SHA256 uses MGF1 with the same hash
    /// and an empty label, exactly what CMCSharedToken <c>--oaep</c> and the CA use.
    /// </summary>
    public static RSAEncryptionPadding Of(KeyWrap keyWrap) => keyWrap switch
    {
        KeyWrap.Pkcs1 => RSAEncryptionPadding.Pkcs1,
        KeyWrap.Oaep => RSAEncryptionPadding.OaepSHA256,
        _ => throw new ArgumentOutOfRangeException(nameof(keyWrap), keyWrap, "Unknown key wrap."),
    };
}
