using System.Formats.Asn1;
using System.Text;

namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>
/// Encodes and parses shared tokens: DER <c>SEQUENCE { OCTET STRING, OCTET STRING }</c> in base64
/// (docs/cmc-shared-token.md, "Token format"). Writes single-line standard base64, the form to store in
/// LDAP; reads that, CMCSharedToken's MIME form (76 columns, CRLF) and base64url, which the CA's
/// decoder also accepts.
/// </summary>
public static class SharedTokenCodec
{
    /// <summary>Encodes the two parts as single-line standard base64 of their DER SEQUENCE.</summary>
    public static string Encode(ReadOnlySpan<byte> wrappedSessionKey, ReadOnlySpan<byte> ciphertext)
    {
        if (wrappedSessionKey.IsEmpty) throw new ArgumentException("The wrapped session key is empty.", nameof(wrappedSessionKey));
        if (ciphertext.IsEmpty) throw new ArgumentException("The ciphertext is empty.", nameof(ciphertext));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(wrappedSessionKey);
            writer.WriteOctetString(ciphertext);
        }
        return Convert.ToBase64String(writer.Encode());
    }

    /// <summary>Encodes a token the way CMCSharedToken writes it: MIME base64, 76-column lines, CRLF, trailing CRLF.</summary>
    public static string EncodeMime(ReadOnlySpan<byte> wrappedSessionKey, ReadOnlySpan<byte> ciphertext)
    {
        var single = Encode(wrappedSessionKey, ciphertext);
        var text = new StringBuilder(single.Length + (single.Length / SharedTokenFormat.MimeLineLength + 1) * 2);
        for (var start = 0; start < single.Length; start += SharedTokenFormat.MimeLineLength)
        {
            text.Append(single, start, Math.Min(SharedTokenFormat.MimeLineLength, single.Length - start)).Append("\r\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// Parses a token: single-line or line-broken (CRLF or LF) standard base64, or base64url with or
    /// without padding; then strict DER with exactly two non-empty OCTET STRINGs and nothing after.
    /// </summary>
    /// <exception cref="SharedTokenFormatException">The text is not a well-formed token; <see cref="SharedTokenFormatException.Error"/> says why.</exception>
    public static SharedToken Parse(string text)
    {
        var der = DecodeBase64(text);
        return ParseDer(der);
    }

    /// <summary>Decodes the base64 layer only (all accepted forms), with the same specific errors as <see cref="Parse"/>.</summary>
    public static byte[] DecodeBase64(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > SharedTokenFormat.MaxTokenChars)
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.TooLong,
                $"The token is {text.Length} characters long; a shared token is at most {SharedTokenFormat.MaxTokenChars}.");
        }
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty) throw new SharedTokenFormatException(SharedTokenFormatError.Empty, "The token is empty.");

        var chars = new char[trimmed.Length + 3];
        var count = 0;
        var standard = false;
        var urlSafe = false;
        var padding = 0;
        var line = 1;
        var column = 0;
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c is '\r' or '\n')
            {
                // CMCSharedToken's MIME form breaks lines with CRLF; the CA's decoder ignores line breaks.
                if (c == '\n') { line++; column = 0; }
                continue;
            }
            column++;
            if (c == '=')
            {
                padding++;
                continue;
            }
            if (padding > 0)
            {
                throw new SharedTokenFormatException(SharedTokenFormatError.InvalidBase64,
                    $"The token has base64 padding '=' before its end (line {line}, column {column}).");
            }
            if (c is '+' or '/') standard = true;
            else if (c is '-' or '_') urlSafe = true;
            else if (!char.IsAsciiLetterOrDigit(c))
            {
                throw new SharedTokenFormatException(SharedTokenFormatError.InvalidCharacter,
                    $"The token holds {Describe(c)} at line {line}, column {column}; a token is base64 (A-Z a-z 0-9 + / =, or - _ for base64url) with optional line breaks.");
            }
            chars[count++] = c switch { '-' => '+', '_' => '/', _ => c };
        }
        if (standard && urlSafe)
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.MixedAlphabets,
                "The token mixes the standard base64 alphabet ('+', '/') with the URL-safe one ('-', '_').");
        }
        if (padding > 2 || count % 4 == 1 || (padding > 0 && (count + padding) % 4 != 0))
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.InvalidBase64,
                $"The token's base64 has a wrong length ({count} characters and {padding} '=' padding): it is truncated or damaged.");
        }
        // base64url usually omits padding; restore it so one decoder serves both forms.
        while (count % 4 != 0) chars[count++] = '=';
        var bytes = new byte[count / 4 * 3];
        if (!Convert.TryFromBase64Chars(chars.AsSpan(0, count), bytes, out var written))
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.InvalidBase64,
                "The token's base64 cannot be decoded: it is truncated or damaged.");
        }
        return written == bytes.Length ? bytes : bytes.AsSpan(0, written).ToArray();
    }

    /// <summary>Parses the DER layer strictly (see <see cref="Parse"/>).</summary>
    public static SharedToken ParseDer(ReadOnlyMemory<byte> der)
    {
        if (der.IsEmpty) throw new SharedTokenFormatException(SharedTokenFormatError.Empty, "The token decodes to no bytes.");
        if (der.Span[0] != 0x30)
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.NotASequence,
                $"The token does not start with a DER SEQUENCE (first byte 0x{der.Span[0]:X2}, expected 0x30).");
        }
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var encoded = reader.ReadEncodedValue();
            if (reader.HasData)
            {
                throw new SharedTokenFormatException(SharedTokenFormatError.TrailingBytes,
                    $"{der.Length - encoded.Length} byte(s) follow the token's DER SEQUENCE.");
            }
            var sequence = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
            var wrapped = ReadElement(sequence, "first (wrapped session key)");
            var ciphertext = ReadElement(sequence, "second (ciphertext)");
            if (sequence.HasData)
            {
                throw new SharedTokenFormatException(SharedTokenFormatError.ExtraElement,
                    "The token's SEQUENCE holds more than two elements (expected wrapped session key and ciphertext).");
            }
            if (ciphertext.Length % SharedTokenFormat.BlockBytes != 0)
            {
                throw new SharedTokenFormatException(SharedTokenFormatError.CiphertextNotBlockAligned,
                    $"The token's ciphertext is {ciphertext.Length} bytes, not a multiple of the AES block size ({SharedTokenFormat.BlockBytes}).");
            }
            return new SharedToken(wrapped, ciphertext);
        }
        catch (AsnContentException e)
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.NotDer,
                $"The token is not valid DER (truncated, indefinite or non-minimal length, or constructed string): {e.Message}", e);
        }
    }

    private static byte[] ReadElement(AsnReader sequence, string which)
    {
        if (!sequence.HasData)
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.MissingElement,
                $"The token's SEQUENCE has no {which} element; a token holds exactly two OCTET STRINGs.");
        }
        var tag = sequence.PeekTag();
        if (!tag.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.WrongElementType,
                $"The token's {which} element is {tag}, not an OCTET STRING.");
        }
        var value = sequence.ReadOctetString();
        if (value.Length == 0)
        {
            throw new SharedTokenFormatException(SharedTokenFormatError.EmptyElement,
                $"The token's {which} OCTET STRING is empty.");
        }
        return value;
    }

    private static string Describe(char c) =>
        c is >= ' ' and <= '~' ? $"the character '{c}'" : $"the character U+{(int)c:X4}";
}
