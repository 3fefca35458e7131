using System.Numerics;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Requests;

public sealed class CertificateSerialTests
{
    [Theory]
    [InlineData("6699", "6699")]
    [InlineData("0x1A2B", "6699")]
    [InlineData("0x1a2b", "6699")]
    [InlineData("0X1A2B", "6699")]
    [InlineData("0x00001A2B", "6699")]
    [InlineData("0006699", "6699")]
    [InlineData("1", "1")]
    public void Parses_decimal_and_hex_to_the_decimal_record_name(string text, string expected)
    {
        Assert.True(CertificateSerial.TryParse(text, out var serial, out var error), error);
        Assert.Equal(expected, serial.Decimal);
        Assert.True(serial.IsValid);
    }

    [Fact]
    public void Hex_and_decimal_forms_are_the_same_serial()
    {
        Assert.Equal(CertificateSerial.Parse("0x1A2B"), CertificateSerial.Parse("6699"));
        Assert.Equal("0x1A2B", CertificateSerial.Parse("6699").Hex);
    }

    [Theory]
    [InlineData("-5", "negative")]
    [InlineData("abc", "not a decimal number")]
    [InlineData("1e10", "not a decimal number")]
    [InlineData("12,ou=people", "not a decimal number")]
    [InlineData(" 6699", "not a decimal number")]
    [InlineData("6699 ", "not a decimal number")]
    [InlineData("+6699", "not a decimal number")]
    [InlineData("", "empty")]
    [InlineData("0", "zero")]
    [InlineData("0x0", "zero")]
    [InlineData("0x", "no hexadecimal digits")]
    [InlineData("0x1G", "not a hexadecimal digit")]
    [InlineData("0x-1", "not a hexadecimal digit")]
    [InlineData("0x1A2B)(cn=*", "not a hexadecimal digit")]
    public void Refuses_what_is_not_a_positive_serial(string text, string reason)
    {
        Assert.False(CertificateSerial.TryParse(text, out var serial, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.False(serial.IsValid);
        Assert.Equal(error, Assert.Throws<FormatException>(() => CertificateSerial.Parse(text)).Message);
    }

    [Fact]
    public void Refuses_null()
    {
        Assert.False(CertificateSerial.TryParse(null, out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_400_digit_number_without_echoing_it()
    {
        var text = new string('7', 400);
        Assert.False(CertificateSerial.TryParse(text, out _, out var error));
        Assert.Contains("at most 50 digits", error, StringComparison.Ordinal);
        Assert.DoesNotContain("7777777777", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_the_largest_20_octet_serial_and_refuses_one_more()
    {
        var max = (BigInteger.One << 160) - 1;
        Assert.True(CertificateSerial.TryParse("0x" + new string('F', 40), out var hex, out _));
        Assert.Equal(max, hex.Value);
        Assert.True(CertificateSerial.TryParse(max.ToString(), out var dec, out _));
        Assert.Equal(hex, dec);

        Assert.False(CertificateSerial.TryParse((max + 1).ToString(), out _, out var error));
        Assert.Contains("20 octets", error, StringComparison.Ordinal);
        Assert.False(CertificateSerial.TryParse("0x1" + new string('0', 40), out _, out error));
        Assert.Contains("at most 40", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_is_not_valid() => Assert.False(default(CertificateSerial).IsValid);
}
