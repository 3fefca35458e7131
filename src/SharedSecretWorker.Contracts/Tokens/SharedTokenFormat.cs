namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>Constants of the CMCSharedToken format (docs/cmc-shared-token.md, "Token format").</summary>
public static class SharedTokenFormat
{
    /// <summary>AES-128: CMCSharedToken generates a 128-bit session key for every token.</summary>
    public const int SessionKeyBytes = 16;

    /// <summary>AES block size; the ciphertext (CBC with PKCS#7 padding) is a whole number of blocks.</summary>
    public const int BlockBytes = 16;

    /// <summary>The IV byte: sixteen bytes of 0x01, a constant the CA uses too.</summary>
    public const byte IvByte = 0x01;

    /// <summary>Columns of CMCSharedToken's MIME base64 output.</summary>
    public const int MimeLineLength = 76;

    /// <summary>Largest token text accepted; a real token is under 2 KiB (RSA-4096 wrap plus a passphrase).</summary>
    public const int MaxTokenChars = 64 * 1024;

    /// <summary>The fixed IV, a fresh array each time so that no caller can alter a shared one.</summary>
    public static byte[] Iv()
    {
        var iv = new byte[BlockBytes];
        Array.Fill(iv, IvByte);
        return iv;
    }
}
