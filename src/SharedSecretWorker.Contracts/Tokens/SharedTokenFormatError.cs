namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>Each way a token text can be malformed; <see cref="SharedTokenFormatException"/> carries one.</summary>
public enum SharedTokenFormatError
{
    /// <summary>The text is empty or only white space.</summary>
    Empty = 1,
    /// <summary>The text is longer than any real token.</summary>
    TooLong,
    /// <summary>A character outside the base64 alphabets, or white space other than line breaks.</summary>
    InvalidCharacter,
    /// <summary>Both the standard (<c>+ /</c>) and the URL-safe (<c>- _</c>) alphabets appear.</summary>
    MixedAlphabets,
    /// <summary>Wrong length or misplaced <c>=</c> padding.</summary>
    InvalidBase64,
    /// <summary>The decoded bytes are not a DER SEQUENCE.</summary>
    NotASequence,
    /// <summary>The encoding is BER but not DER (indefinite or non-minimal length, constructed OCTET STRING).</summary>
    NotDer,
    /// <summary>Bytes follow the SEQUENCE.</summary>
    TrailingBytes,
    /// <summary>The SEQUENCE holds fewer than two elements.</summary>
    MissingElement,
    /// <summary>The SEQUENCE holds more than two elements.</summary>
    ExtraElement,
    /// <summary>An element is not an OCTET STRING.</summary>
    WrongElementType,
    /// <summary>An OCTET STRING is empty.</summary>
    EmptyElement,
    /// <summary>The ciphertext is not a whole number of AES blocks.</summary>
    CiphertextNotBlockAligned,
}
