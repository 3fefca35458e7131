using System.Formats.Asn1;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Unit.Contracts.Tokens;

public sealed class SharedTokenCodecTests
{
    private static readonly byte[] Wrapped = Enumerable.Range(1, 384).Select(i => (byte)i).ToArray();
    private static readonly byte[] Ciphertext = Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void Vector_parses_in_both_forms_and_reencodes_to_the_single_line_form_byte_for_byte(string name)
    {
        var vector = TestVectors.Get(name);
        var single = SharedTokenCodec.Parse(vector.Token);
        var multi = SharedTokenCodec.Parse(vector.TokenMultiLine);

        Assert.Equal(single.WrappedSessionKey.ToArray(), multi.WrappedSessionKey.ToArray());
        Assert.Equal(single.Ciphertext.ToArray(), multi.Ciphertext.ToArray());
        Assert.Equal(vector.Token, SharedTokenCodec.Encode(single.WrappedSessionKey.Span, single.Ciphertext.Span));
        Assert.Equal(vector.TokenMultiLine, SharedTokenCodec.EncodeMime(single.WrappedSessionKey.Span, single.Ciphertext.Span));
    }

    public static TheoryData<string> Names() => TestVectors.Names();

    [Fact]
    public void Encode_writes_single_line_standard_base64_of_a_der_sequence_of_two_octet_strings()
    {
        var text = SharedTokenCodec.Encode(Wrapped, Ciphertext);

        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('\r', text);
        var reader = new AsnReader(Convert.FromBase64String(text), AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        Assert.False(reader.HasData);
        Assert.Equal(Wrapped, sequence.ReadOctetString());
        Assert.Equal(Ciphertext, sequence.ReadOctetString());
        Assert.False(sequence.HasData);
    }

    [Fact]
    public void Mime_form_has_76_column_crlf_lines_and_a_trailing_crlf()
    {
        var mime = SharedTokenCodec.EncodeMime(Wrapped, Ciphertext);

        Assert.EndsWith("\r\n", mime, StringComparison.Ordinal);
        var lines = mime.Split("\r\n")[..^1];
        Assert.All(lines[..^1], l => Assert.Equal(76, l.Length));
        Assert.InRange(lines[^1].Length, 1, 76);
        Assert.DoesNotContain('\n', string.Concat(lines));
    }

    [Fact]
    public void Base64url_with_and_without_padding_and_lf_line_breaks_parse_to_the_same_token()
    {
        var der = SharedTokenCodec.DecodeBase64(SharedTokenCodec.Encode(Wrapped, Ciphertext));
        var url = Convert.ToBase64String(der).Replace('+', '-').Replace('/', '_');
        var lf = SharedTokenCodec.EncodeMime(Wrapped, Ciphertext).Replace("\r\n", "\n");

        foreach (var text in new[] { url, url.TrimEnd('='), lf, "  " + url + "\n" })
        {
            var token = SharedTokenCodec.Parse(text);
            Assert.Equal(Wrapped, token.WrappedSessionKey.ToArray());
            Assert.Equal(Ciphertext, token.Ciphertext.ToArray());
        }
    }

    [Theory]
    [InlineData("", SharedTokenFormatError.Empty)]
    [InlineData(" \r\n ", SharedTokenFormatError.Empty)]
    [InlineData("MIIB lgSC", SharedTokenFormatError.InvalidCharacter)]
    [InlineData("MIIB*gSC", SharedTokenFormatError.InvalidCharacter)]
    [InlineData("MIIBé", SharedTokenFormatError.InvalidCharacter)]
    [InlineData("ab+c-d==", SharedTokenFormatError.MixedAlphabets)]
    [InlineData("ab_c/d==", SharedTokenFormatError.MixedAlphabets)]
    [InlineData("abcde", SharedTokenFormatError.InvalidBase64)]
    [InlineData("ab=cd", SharedTokenFormatError.InvalidBase64)]
    [InlineData("abc===", SharedTokenFormatError.InvalidBase64)]
    [InlineData("abcdef=", SharedTokenFormatError.InvalidBase64)]
    public void Malformed_text_gives_its_specific_error(string text, SharedTokenFormatError expected)
    {
        var e = Assert.Throws<SharedTokenFormatException>(() => SharedTokenCodec.Parse(text));
        Assert.Equal(expected, e.Error);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Overlong_text_is_refused_before_decoding()
    {
        var e = Assert.Throws<SharedTokenFormatException>(() => SharedTokenCodec.Parse(new string('A', 64 * 1024 + 4)));
        Assert.Equal(SharedTokenFormatError.TooLong, e.Error);
    }

    [Fact]
    public void Invalid_character_error_says_where()
    {
        var e = Assert.Throws<SharedTokenFormatException>(() => SharedTokenCodec.Parse("AAAA\r\nAA!A"));
        Assert.Contains("line 2, column 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("'!'", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], SharedTokenFormatError> MalformedDer() => new()
    {
        { "integer instead of sequence", [0x02, 0x01, 0x00], SharedTokenFormatError.NotASequence },
        { "set instead of sequence", [0x31, 0x00], SharedTokenFormatError.NotASequence },
        { "truncated", [0x30, 0x08, 0x04, 0x01, 0x01], SharedTokenFormatError.NotDer },
        { "indefinite length (BER)", [0x30, 0x80, 0x04, 0x01, 0x01, 0x04, 0x10, .. new byte[16], 0x00, 0x00], SharedTokenFormatError.NotDer },
        { "non-minimal length", [0x30, 0x81, 0x15, 0x04, 0x01, 0x01, 0x04, 0x10, .. new byte[16]], SharedTokenFormatError.NotDer },
        { "constructed octet string", [0x30, 0x19, 0x24, 0x03, 0x04, 0x01, 0x01, 0x04, 0x10, .. new byte[16], 0x04, 0x00], SharedTokenFormatError.NotDer },
        { "trailing byte", [0x30, 0x15, 0x04, 0x01, 0x01, 0x04, 0x10, .. new byte[16], 0x00], SharedTokenFormatError.TrailingBytes },
        { "empty sequence", [0x30, 0x00], SharedTokenFormatError.MissingElement },
        { "one element", [0x30, 0x03, 0x04, 0x01, 0x01], SharedTokenFormatError.MissingElement },
        { "three elements", [0x30, 0x18, 0x04, 0x01, 0x01, 0x04, 0x10, .. new byte[16], 0x04, 0x01, 0x02], SharedTokenFormatError.ExtraElement },
        { "integer element", [0x30, 0x15, 0x02, 0x01, 0x01, 0x04, 0x10, .. new byte[16]], SharedTokenFormatError.WrongElementType },
        { "empty wrapped key", [0x30, 0x14, 0x04, 0x00, 0x04, 0x10, .. new byte[16]], SharedTokenFormatError.EmptyElement },
        { "empty ciphertext", [0x30, 0x05, 0x04, 0x01, 0x01, 0x04, 0x00], SharedTokenFormatError.EmptyElement },
        { "ciphertext of 15 bytes", [0x30, 0x14, 0x04, 0x01, 0x01, 0x04, 0x0F, .. new byte[15]], SharedTokenFormatError.CiphertextNotBlockAligned },
    };

    [Theory]
    [MemberData(nameof(MalformedDer))]
    public void Malformed_der_gives_its_specific_error(string what, byte[] der, SharedTokenFormatError expected)
    {
        var e = Assert.Throws<SharedTokenFormatException>(() => SharedTokenCodec.Parse(Convert.ToBase64String(der)));
        Assert.True(expected == e.Error, $"{what}: expected {expected}, got {e.Error} ({e.Message})");
    }

    [Fact]
    public void Well_formed_minimal_der_parses()
    {
        byte[] der = [0x30, 0x15, 0x04, 0x01, 0x01, 0x04, 0x10, .. new byte[16]];
        var token = SharedTokenCodec.Parse(Convert.ToBase64String(der));
        Assert.Equal([0x01], token.WrappedSessionKey.ToArray());
        Assert.Equal(16, token.Ciphertext.Length);
    }
}
