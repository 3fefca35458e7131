using System.Security.Cryptography;
using System.Text;

namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>
/// Decrypts shared tokens with the issuance protection private key, as the CA does: for operators
/// checking a token (<c>shrtok decrypt</c>) and for end-to-end tests. In production the private key
/// never leaves the CA.
/// </summary>
public sealed class SharedTokenDecryptor : IDisposable
{
    private static readonly int[] AesKeySizes = [16, 24, 32];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly RSA _privateKey;
    private readonly KeyWrap _keyWrap;

    /// <summary>Creates a decryptor; it takes ownership of <paramref name="privateKey"/>.</summary>
    public SharedTokenDecryptor(RSA privateKey, KeyWrap keyWrap)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!Enum.IsDefined(keyWrap)) throw new ArgumentOutOfRangeException(nameof(keyWrap), keyWrap, "Unknown key wrap.");
        _privateKey = privateKey;
        _keyWrap = keyWrap;
    }

    /// <summary>
    /// Loads an RSA private key from a file: PEM (<c>PRIVATE KEY</c> PKCS#8 or <c>RSA PRIVATE KEY</c>
    /// PKCS#1) or DER of either.
    /// </summary>
    /// <exception cref="ArgumentException">The file is missing, unreadable, encrypted or not an RSA private key; the message says which.</exception>
    public static SharedTokenDecryptor FromKeyFile(string path, KeyWrap keyWrap)
    {
        if (!File.Exists(path)) throw new ArgumentException($"The private key file '{path}' does not exist.", nameof(path));
        var content = File.ReadAllBytes(path);
        var rsa = RSA.Create();
        try
        {
            var text = Encoding.ASCII.GetString(content);
            if (text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
                throw new ArgumentException($"The private key file '{path}' is encrypted; decrypt it first (openssl pkey -in FILE -out PLAIN.pem).", nameof(path));
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                rsa.ImportFromPem(text);
            }
            else
            {
                ImportDer(rsa, content);
            }
            // A public key alone would import from "PUBLIC KEY" PEM; make sure there is a private part.
            rsa.ExportParameters(includePrivateParameters: true);
            return new SharedTokenDecryptor(rsa, keyWrap);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException and not { ParamName: nameof(path) })
        {
            rsa.Dispose();
            throw new ArgumentException($"The file '{path}' does not hold an RSA private key (PEM or DER, PKCS#8 or PKCS#1): {e.Message}", nameof(path), e);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>Decrypts a token text to the passphrase's bytes (the caller clears them).</summary>
    /// <exception cref="SharedTokenFormatException">The text is not a well-formed token.</exception>
    /// <exception cref="SharedTokenDecryptionException">Wrong key, wrong key wrap, or damaged token.</exception>
    public byte[] Decrypt(string token) => Decrypt(SharedTokenCodec.Parse(token));

    /// <summary>Decrypts a parsed token to the passphrase's bytes (the caller clears them).</summary>
    public byte[] Decrypt(SharedToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var modulusBytes = (_privateKey.KeySize + 7) / 8;
        if (token.WrappedSessionKey.Length != modulusBytes)
        {
            throw new SharedTokenDecryptionException(SharedTokenDecryptionError.KeySizeMismatch,
                $"The wrapped session key is {token.WrappedSessionKey.Length} bytes but the private key is RSA-{_privateKey.KeySize} ({modulusBytes} bytes): the token was made for another key.");
        }
        var sessionKey = Unwrap(token.WrappedSessionKey.Span);
        try
        {
            if (Array.IndexOf(AesKeySizes, sessionKey.Length) < 0)
            {
                throw new SharedTokenDecryptionException(SharedTokenDecryptionError.BadSessionKey,
                    $"The unwrapped session key is {sessionKey.Length} bytes, not an AES key (16, 24 or 32): wrong private key or damaged token.");
            }
            using var aes = Aes.Create();
            aes.SetKey(sessionKey);
            try
            {
                return aes.DecryptCbc(token.Ciphertext.Span, SharedTokenFormat.Iv(), PaddingMode.PKCS7);
            }
            catch (CryptographicException e)
            {
                throw new SharedTokenDecryptionException(SharedTokenDecryptionError.DamagedCiphertext,
                    "The session key unwrapped, but the ciphertext does not decrypt to valid padding: the token's ciphertext is damaged.", e);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    /// <summary>Decrypts a token text to the passphrase as a string (strict UTF-8, as the CA reads it).</summary>
    public string DecryptToString(string token)
    {
        var bytes = Decrypt(token);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new SharedTokenDecryptionException(SharedTokenDecryptionError.NotUtf8,
                "The token decrypts, but not to UTF-8 text: the token's ciphertext is damaged.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _privateKey.Dispose();

    private byte[] Unwrap(ReadOnlySpan<byte> wrapped)
    {
        try
        {
            return _privateKey.Decrypt(wrapped, KeyWrapPadding.Of(_keyWrap));
        }
        catch (CryptographicException e)
        {
            // Try the other wrap only to say which mistake was made; the result is never used.
            var other = _keyWrap == KeyWrap.Pkcs1 ? KeyWrap.Oaep : KeyWrap.Pkcs1;
            try
            {
                var key = _privateKey.Decrypt(wrapped, KeyWrapPadding.Of(other));
                var plausible = Array.IndexOf(AesKeySizes, key.Length) >= 0;
                CryptographicOperations.ZeroMemory(key);
                if (plausible)
                {
                    throw new SharedTokenDecryptionException(SharedTokenDecryptionError.WrongKeyWrap,
                        $"The session key was wrapped with {other}, not {_keyWrap}: {(other == KeyWrap.Oaep ? "add --oaep" : "remove --oaep")} (the CA's keyWrap.useOAEP must match too).", e);
                }
            }
            catch (CryptographicException)
            {
                // Neither wrap works: fall through to "wrong key".
            }
            throw new SharedTokenDecryptionException(SharedTokenDecryptionError.WrongKey,
                "The session key does not unwrap with this private key: the token was made for another issuance protection key, or its wrapped key is damaged.", e);
        }
    }

    private static void ImportDer(RSA rsa, byte[] der)
    {
        try
        {
            rsa.ImportPkcs8PrivateKey(der, out _);
        }
        catch (CryptographicException)
        {
            rsa.ImportRSAPrivateKey(der, out _);
        }
    }
}
