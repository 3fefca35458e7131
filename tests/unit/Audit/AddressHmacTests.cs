using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Audit;

namespace SharedSecretWorker.Tests.Unit.Audit;

public sealed class AddressHmacTests : IDisposable
{
    /// <summary>A key as <c>openssl rand -hex 32</c> writes it: 64 hex characters, used as text.</summary>
    private const string HexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static AddressHmac FromFile(string path) => new(Options.Create(new AuditOptions { AddressKeyFile = path }));

    private static string Expected(byte[] key, string address) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(address)));

    [Fact]
    public void The_digest_is_the_HMAC_SHA256_of_the_UTF8_address_keyed_with_the_key_files_text()
    {
        using var hmac = FromFile(_folder.Write("audit-address-key", HexKey + "\n"));

        var digest = hmac.Of("jdoe@example.com");

        // printf %s 'jdoe@example.com' | openssl dgst -sha256 -hmac "$(cat audit-address-key)" (docs/audit.md, "Searching by address")
        Assert.Equal("ccb508d35633dd0966cd5b416e317f8f595b76f073699b559b5e25c6a62ac6e0", digest);
        using var independent = new HMACSHA256(Encoding.ASCII.GetBytes(HexKey));
        Assert.Equal(Convert.ToHexStringLower(independent.ComputeHash(Encoding.UTF8.GetBytes("jdoe@example.com"))), digest);
    }

    [Fact]
    public void A_hex_key_file_is_used_as_text_not_decoded()
    {
        using var hmac = FromFile(_folder.Write("audit-address-key", HexKey));

        Assert.NotEqual(Expected(Convert.FromHexString(HexKey), "jdoe@example.com"), hmac.Of("jdoe@example.com"));
        Assert.Equal(Expected(Encoding.ASCII.GetBytes(HexKey), "jdoe@example.com"), hmac.Of("jdoe@example.com"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void One_trailing_line_ending_of_the_key_file_is_not_part_of_the_key(string ending)
    {
        using var hmac = FromFile(_folder.Write("audit-address-key", HexKey + ending));

        Assert.Equal("ccb508d35633dd0966cd5b416e317f8f595b76f073699b559b5e25c6a62ac6e0", hmac.Of("jdoe@example.com"));
    }

    [Fact]
    public void RFC_4231_test_case_2_with_a_text_key_file()
    {
        // RFC 4231, 4.3: key "Jefe", data "what do ya want for nothing?". (Too short for the validator; the digest itself takes any key.)
        using var hmac = FromFile(_folder.Write("jefe", "Jefe"));

        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", hmac.Of("what do ya want for nothing?"));
    }

    [Fact]
    public void RFC_4231_test_case_6_with_a_binary_key_file_longer_than_a_block()
    {
        // RFC 4231, 4.7: a 131-byte key of 0xaa, hashed first since it is longer than SHA-256's block.
        var key = Enumerable.Repeat((byte)0xaa, 131).ToArray();
        using var hmac = FromFile(_folder.Write("aa", key));

        Assert.Equal("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            hmac.Of("Test Using Larger Than Block-Size Key - Hash Key First"));
    }

    [Fact]
    public void RFC_4231_test_case_1_with_a_key_in_memory()
    {
        // RFC 4231, 4.2: a 20-byte key of 0x0b, data "Hi There".
        using var hmac = new AddressHmac(Enumerable.Repeat((byte)0x0b, 20).ToArray());

        Assert.Equal("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", hmac.Of("Hi There"));
    }

    [Fact]
    public void The_address_is_neither_folded_nor_trimmed()
    {
        using var hmac = new AddressHmac(Encoding.ASCII.GetBytes(HexKey));
        var key = Encoding.ASCII.GetBytes(HexKey);

        var lower = hmac.Of("jdoe@example.com");
        Assert.Equal(Expected(key, "JDoe@example.com"), hmac.Of("JDoe@example.com"));
        Assert.Equal(Expected(key, " jdoe@example.com"), hmac.Of(" jdoe@example.com"));
        Assert.Equal(Expected(key, "jdoe@example.com\n"), hmac.Of("jdoe@example.com\n"));
        Assert.NotEqual(lower, hmac.Of("JDoe@example.com"));
        Assert.NotEqual(lower, hmac.Of(" jdoe@example.com"));
        Assert.NotEqual(lower, hmac.Of("jdoe@example.com\n"));
    }

    [Fact]
    public void A_non_ASCII_address_is_digested_as_UTF8()
    {
        var key = Encoding.ASCII.GetBytes(HexKey);
        using var hmac = new AddressHmac(key);

        Assert.Equal(Expected(key, "jörg@exämple.de"), hmac.Of("jörg@exämple.de"));
        Assert.NotEqual(Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.Latin1.GetBytes("jörg@exämple.de"))), hmac.Of("jörg@exämple.de"));
    }

    [Fact]
    public void The_digest_is_64_lower_case_hex_digits()
    {
        using var hmac = new AddressHmac(Encoding.ASCII.GetBytes(HexKey));

        Assert.Matches("^[0-9a-f]{64}$", hmac.Of("+15550100"));
    }

    [Fact]
    public void The_key_given_in_memory_is_copied()
    {
        var key = Encoding.ASCII.GetBytes(HexKey);
        using var hmac = new AddressHmac(key);
        Array.Clear(key);

        Assert.Equal("ccb508d35633dd0966cd5b416e317f8f595b76f073699b559b5e25c6a62ac6e0", hmac.Of("jdoe@example.com"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_a_key_file_there_is_no_digest(string? file)
    {
        using var hmac = FromFile(file!);

        Assert.Null(hmac.Of("jdoe@example.com"));
    }

    [Fact]
    public void A_missing_key_file_fails_naming_the_setting()
    {
        var path = Path.Combine(_folder.Path, "absent");

        var error = Assert.Throws<InvalidOperationException>(() => FromFile(path));

        Assert.StartsWith("Audit:AddressKeyFile: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_address_is_refused()
    {
        using var hmac = new AddressHmac(Encoding.ASCII.GetBytes(HexKey));

        Assert.Throws<ArgumentNullException>(() => hmac.Of(null!));
    }
}
