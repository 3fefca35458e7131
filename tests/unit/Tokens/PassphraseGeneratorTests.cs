using System.Security.Cryptography;
using System.Text;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Tokens;

public sealed class PassphraseGeneratorTests
{
    [Fact]
    public void The_alphabet_has_no_look_alikes_and_32_distinct_printable_symbols()
    {
        Assert.Equal(32, PassphrasePolicy.Alphabet.Distinct().Count());
        foreach (var lookAlike in "0O1Il") Assert.DoesNotContain(lookAlike, PassphrasePolicy.Alphabet);
        Assert.True(PassphrasePolicy.IsPrintableAscii(Encoding.ASCII.GetBytes(PassphrasePolicy.Alphabet), out _));
        Assert.DoesNotContain(PassphrasePolicy.GroupSeparator, PassphrasePolicy.Alphabet);
    }

    [Fact]
    public void The_default_length_gives_at_least_100_bits()
    {
        Assert.True(PassphrasePolicy.EntropyBits(TokenOptions.DefaultPassphraseLength) >= 100);
        Assert.Equal(TokenOptions.DefaultPassphraseLength, PassphrasePolicy.MinimumLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PassphraseGenerator(new ScriptedRandom(0), PassphrasePolicy.MinimumLength - 1, 0));
    }

    [Fact]
    public async Task Random_bytes_map_to_alphabet_symbols()
    {
        var generator = new PassphraseGenerator(new ScriptedRandom(0, 1, 31, 32, 255), 20, 0);
        var passphrase = await generator.GenerateAsync(CancellationToken.None);

        // 0 -> '2', 1 -> '3', 31 -> 'Z', 32 -> '2' (32 mod 32), 255 -> 'Z'.
        Assert.Equal("23Z2Z23Z2Z23Z2Z23Z2Z", Encoding.ASCII.GetString(passphrase));
    }

    [Fact]
    public async Task Grouping_inserts_dashes_that_are_part_of_the_passphrase()
    {
        var generator = new PassphraseGenerator(new ScriptedRandom(5), 20, 5);
        var passphrase = Encoding.ASCII.GetString(await generator.GenerateAsync(CancellationToken.None));

        Assert.Equal("77777-77777-77777-77777", passphrase);
        Assert.Equal(generator.OutputLength, passphrase.Length);
        var uneven = new PassphraseGenerator(new ScriptedRandom(5), 22, 4);
        Assert.Equal("7777-7777-7777-7777-7777-77", Encoding.ASCII.GetString(await uneven.GenerateAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task Real_randomness_gives_distinct_passphrases_over_the_whole_alphabet()
    {
        await using var random = new SoftwareTokenEncryptor(IssuanceProtectionKey.FromFile(TestVectors.CertificateFile, "test"), KeyWrap.Pkcs1);
        var generator = new PassphraseGenerator(random, 20, 0);
        var seen = new HashSet<string>();
        var counts = new int[128];
        for (var i = 0; i < 2000; i++)
        {
            var bytes = await generator.GenerateAsync(CancellationToken.None);
            Assert.Equal(20, bytes.Length);
            Assert.True(PassphrasePolicy.IsPrintableAscii(bytes, out _));
            foreach (var b in bytes) counts[b]++;
            Assert.True(seen.Add(Encoding.ASCII.GetString(bytes)));
            CryptographicOperations.ZeroMemory(bytes);
        }
        // 40,000 symbols over 32 values: 1,250 expected each; a biased mapping would miss this band.
        foreach (var symbol in PassphrasePolicy.Alphabet) Assert.InRange(counts[symbol], 1050, 1450);
        Assert.Equal(40_000, PassphrasePolicy.Alphabet.Sum(c => counts[c]));
    }

    [Theory]
    [InlineData("Secret.123", true, -1)]
    [InlineData(" ~", true, -1)]
    [InlineData("", false, -1)]
    [InlineData("tab\there", false, 3)]
    [InlineData("caf\u00e9", false, 3)]
    [InlineData("line\n", false, 4)]
    public void Printable_ascii_check_reports_the_first_offending_byte(string text, bool ok, int badIndex)
    {
        Assert.Equal(ok, PassphrasePolicy.IsPrintableAscii(Encoding.UTF8.GetBytes(text), out var index));
        Assert.Equal(badIndex, index);
    }
}
