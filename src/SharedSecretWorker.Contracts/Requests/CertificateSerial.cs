using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// A certificate serial number as requesters give it: decimal (<c>6699</c>) or hexadecimal with
/// <c>0x</c> (<c>0x1A2B</c>), as tools print it. The CA files the record under the decimal form
/// (<c>cn=6699</c>; docs/cmc-shared-token.md, "Revocation"), so that is what <see cref="Decimal"/> gives.
/// Anything else is refused before it can reach a DN: signs, exponents, spaces, commas.
/// </summary>
public readonly record struct CertificateSerial
{
    /// <summary>A serial is at most 20 octets (RFC 5280 section 4.1.2.2), so at most 40 hex digits.</summary>
    public const int MaxOctets = 20;

    /// <summary>Longest hexadecimal text accepted after <c>0x</c>, leading zeros included.</summary>
    public const int MaxHexDigits = 40;

    /// <summary>Longest decimal text accepted, leading zeros included (2^160 has 49 digits).</summary>
    public const int MaxDecimalDigits = 50;

    private const string HexPrefix = "0x";

    private static readonly BigInteger Limit = BigInteger.One << (MaxOctets * 8);

    private readonly BigInteger _value;

    private CertificateSerial(BigInteger value) => _value = value;

    /// <summary>The serial's value (positive for every parsed serial; zero only for <c>default</c>).</summary>
    public BigInteger Value => _value;

    /// <summary>Decimal form without leading zeros: the <c>cn</c> of the CA's certificate record.</summary>
    public string Decimal => _value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Hexadecimal form, <c>0x</c> and upper-case digits without leading zeros, for messages.</summary>
    public string Hex => HexPrefix + _value.ToString("X", CultureInfo.InvariantCulture).TrimStart('0');

    /// <summary>False for <c>default(CertificateSerial)</c>, which no parse ever returns.</summary>
    public bool IsValid => _value.Sign > 0;

    /// <summary>Parses decimal or <c>0x</c> hexadecimal text; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out CertificateSerial serial, [NotNullWhen(false)] out string? error)
    {
        serial = default;
        error = Check(text, out var value);
        if (error is not null) return false;
        serial = new CertificateSerial(value);
        return true;
    }

    /// <summary>Parses decimal or <c>0x</c> hexadecimal text.</summary>
    /// <exception cref="FormatException">The text is not a positive serial number.</exception>
    public static CertificateSerial Parse(string text)
        => TryParse(text, out var serial, out var error) ? serial : throw new FormatException(error);

    /// <summary>The decimal form.</summary>
    public override string ToString() => Decimal;

    private static string? Check(string? text, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (string.IsNullOrEmpty(text))
            return "The serial number is empty: give it in decimal (6699) or hexadecimal with 0x (0x1A2B).";
        var shown = Shown(text);
        if (text.StartsWith(HexPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var digits = text.AsSpan(HexPrefix.Length);
            if (digits.IsEmpty)
                return "The serial number '0x' has no hexadecimal digits after 0x.";
            if (digits.Length > MaxHexDigits)
                return $"The serial number has {digits.Length} hexadecimal digits; a certificate serial has at most {MaxHexDigits} ({MaxOctets} octets).";
            var bad = digits.IndexOfAnyExcept("0123456789abcdefABCDEF");
            if (bad >= 0)
                return $"The serial number {shown} has a character that is not a hexadecimal digit at position {bad + HexPrefix.Length + 1}.";
            // A leading 0 keeps BigInteger from reading the top bit as a sign.
            value = BigInteger.Parse(string.Concat("0", digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }
        else
        {
            if (text.Length > MaxDecimalDigits)
                return $"The serial number has {text.Length} characters; a decimal serial has at most {MaxDecimalDigits} digits.";
            var bad = text.AsSpan().IndexOfAnyExceptInRange('0', '9');
            if (bad >= 0)
            {
                return text[bad] == '-'
                    ? $"The serial number {shown} is negative; a certificate serial is a positive integer."
                    : $"The serial number {shown} is not a decimal number (character {bad + 1}); give decimal digits only, or hexadecimal with 0x (0x1A2B).";
            }
            value = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        if (value.IsZero)
            return "The serial number is zero; a certificate serial is a positive integer.";
        if (value >= Limit)
            return $"The serial number is larger than {MaxOctets} octets allow (RFC 5280).";
        return null;
    }

    /// <summary>Quotes short input in messages; long or odd input is described, not echoed.</summary>
    private static string Shown(string text)
    {
        const int maxShown = 60;
        return text.Length <= maxShown && !text.AsSpan().ContainsAnyExceptInRange(' ', '~')
            ? $"'{text}'"
            : $"({text.Length} characters)";
    }
}
