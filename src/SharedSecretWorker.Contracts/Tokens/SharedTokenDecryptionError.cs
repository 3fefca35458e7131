namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>Why a well-formed token could not be decrypted.</summary>
public enum SharedTokenDecryptionError
{
    /// <summary>The session key does not unwrap with this private key and either key wrap: another key, or a damaged wrapped key.</summary>
    WrongKey = 1,
    /// <summary>The session key unwraps, but only with the other key wrap (PKCS#1 v1.5 versus OAEP).</summary>
    WrongKeyWrap,
    /// <summary>The wrapped session key is not as long as the private key's modulus: the token was made for another key.</summary>
    KeySizeMismatch,
    /// <summary>The unwrapped session key is not an AES key (16, 24 or 32 bytes).</summary>
    BadSessionKey,
    /// <summary>The ciphertext does not decrypt to valid PKCS#7 padding: the ciphertext is damaged.</summary>
    DamagedCiphertext,
    /// <summary>The decrypted passphrase is not valid UTF-8: the ciphertext is damaged.</summary>
    NotUtf8,
}
