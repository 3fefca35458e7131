using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class TokenCliTests
{
    public static TheoryData<string> Names() => TestVectors.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Decrypt_prints_the_passphrase_of_every_vector_in_both_forms(string name)
    {
        var vector = TestVectors.Get(name);
        using var folder = new TempFolder();
        var multiLine = folder.Write("token.b64", vector.TokenMultiLine);
        var wrap = vector.KeyWrap == KeyWrap.Oaep ? new[] { "--oaep" } : [];

        var single = CliRun.Of(["decrypt", "--key", TestVectors.PrivateKeyFile, .. wrap, vector.Token]);
        var fromFile = CliRun.Of(["decrypt", "--key", TestVectors.PrivateKeyFile, .. wrap, "@" + multiLine]);

        Assert.Equal((0, vector.Passphrase + Environment.NewLine), (single.ExitCode, single.Out));
        Assert.Equal((0, vector.Passphrase + Environment.NewLine), (fromFile.ExitCode, fromFile.Out));
    }

    [Fact]
    public void Decrypt_with_the_wrong_key_exits_1_and_says_wrong_key()
    {
        using var folder = new TempFolder();
        using var other = System.Security.Cryptography.RSA.Create(3072);
        var key = folder.Write("other.key", other.ExportPkcs8PrivateKeyPem());

        var run = CliRun.Of("decrypt", "--key", key, TestVectors.Get("ascii-pkcs1").Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("wrong key", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public void Decrypt_of_a_damaged_token_exits_1_and_says_damaged_token()
    {
        var token = TestVectors.Get("ascii-pkcs1").Token;
        var truncated = CliRun.Of("decrypt", "--key", TestVectors.PrivateKeyFile, token[..^8]);
        var garbage = CliRun.Of("decrypt", "--key", TestVectors.PrivateKeyFile, "not a token!");

        Assert.Equal(1, truncated.ExitCode);
        Assert.Contains("damaged token", truncated.Error, StringComparison.Ordinal);
        Assert.Equal(1, garbage.ExitCode);
        Assert.Contains("damaged token (InvalidCharacter)", garbage.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_with_the_wrong_wrap_exits_1_and_says_which_wrap()
    {
        var run = CliRun.Of("decrypt", "--key", TestVectors.PrivateKeyFile, TestVectors.Get("ascii-oaep").Token);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("add --oaep", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_usage_errors_exit_2()
    {
        Assert.Equal(2, CliRun.Of("decrypt", TestVectors.Get("ascii-oaep").Token).ExitCode);
        Assert.Equal(2, CliRun.Of("decrypt", "--key", "/nonexistent.key", "AAAA").ExitCode);
        var missingFile = CliRun.Of("decrypt", "--key", TestVectors.PrivateKeyFile, "@/nonexistent/token.b64");
        Assert.Equal(2, missingFile.ExitCode);
        Assert.Contains("/nonexistent/token.b64", missingFile.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Token_from_a_passphrase_file_decrypts_and_ignores_the_trailing_newline(bool oaep)
    {
        using var folder = new TempFolder();
        var passphraseFile = folder.Write("pass.txt", "Open Sesame 42!\n");
        var wrap = oaep ? new[] { "--oaep" } : [];

        var made = CliRun.Of(["token", "--cert", TestVectors.CertificateFile, .. wrap, "--passphrase-file", passphraseFile]);
        Assert.Equal(0, made.ExitCode);
        var token = made.Out.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', token);
        var decrypted = CliRun.Of(["decrypt", "--key", TestVectors.PrivateKeyFile, .. wrap, token]);

        Assert.Equal("Open Sesame 42!" + Environment.NewLine, decrypted.Out);
        Assert.DoesNotContain("Open Sesame", made.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_reads_standard_input_and_writes_to_the_output_file()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "token.b64");

        var made = CliRun.OfWithInput("from-stdin\r\n"u8.ToArray(), "token", "--cert", TestVectors.CertificateFile, "-o", output);

        Assert.Equal(0, made.ExitCode);
        Assert.Empty(made.Out);
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, KeyWrap.Pkcs1);
        Assert.Equal("from-stdin", decryptor.DecryptToString(File.ReadAllText(output)));
    }

    [Theory]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 })]
    [InlineData(new byte[] { 0x61, 0x09, 0x62 })]
    [InlineData(new byte[] { 0x0A })]
    [InlineData(new byte[0])]
    public void Token_refuses_a_passphrase_that_is_not_printable_ascii_with_exit_2(byte[] input)
    {
        var run = CliRun.OfWithInput(input, "token", "--cert", TestVectors.CertificateFile);
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Contains("standard input", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_generate_shows_the_passphrase_once_on_standard_error_and_the_token_decrypts_to_it()
    {
        var made = CliRun.Of("token", "--cert", TestVectors.CertificateFile, "--oaep", "--generate");

        Assert.Equal(0, made.ExitCode);
        var shown = made.Error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal(TokenOptions.DefaultPassphraseLength, shown.Length);
        Assert.All(shown, c => Assert.Contains(c, PassphrasePolicy.Alphabet));
        Assert.DoesNotContain(shown, made.Out, StringComparison.Ordinal);
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, KeyWrap.Oaep);
        Assert.Equal(shown, decryptor.DecryptToString(made.Out));
    }

    [Fact]
    public void Token_usage_errors_exit_2()
    {
        using var folder = new TempFolder();
        var pass = folder.Write("p", "x");
        Assert.Equal(2, CliRun.Of("token", "--cert", TestVectors.CertificateFile, "--generate", "--passphrase-file", pass).ExitCode);
        var missingCert = CliRun.Of("token", "--cert", "/nonexistent/ip.crt", "--passphrase-file", pass);
        Assert.Equal(2, missingCert.ExitCode);
        Assert.Contains("/nonexistent/ip.crt", missingCert.Error, StringComparison.Ordinal);
        Assert.Equal(2, CliRun.Of("token", "--cert", TestVectors.CertificateFile, "--passphrase-file", "/nonexistent/p").ExitCode);
        Assert.Equal(2, CliRun.Of("token", "--cert", TestVectors.CertificateFile, "--no-such-option").ExitCode);
    }

    [Fact]
    public void Token_without_cert_uses_the_configuration()
    {
        using var folder = new TempFolder();
        var pass = folder.Write("p", "configured");
        var settings = new Dictionary<string, string>
        {
            ["Token__KeyWrap"] = "Oaep",
            ["Token__IssuanceProtectionCertificateFile"] = TestVectors.CertificateFile,
            ["Hsm__Library"] = "",
        };
        var saved = settings.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (k, v) in settings) Environment.SetEnvironmentVariable(k, v.Length == 0 ? null : v);
            Environment.SetEnvironmentVariable("Hsm__Library", "");
            var made = CliRun.Of("token", "--passphrase-file", pass);

            Assert.Equal(0, made.ExitCode);
            using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, KeyWrap.Oaep);
            Assert.Equal("configured", decryptor.DecryptToString(made.Out));
        }
        finally
        {
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
        }
    }

    [Fact]
    public void The_passphrase_is_never_an_argument()
    {
        var command = ShrTok.Commands.TokenCommand.Create();
        Assert.DoesNotContain(command.Options, o => o.Name is "--passphrase" or "-s" || o.Aliases.Contains("-s"));
        Assert.Empty(command.Arguments);
        Assert.Contains("printable ASCII", command.Options.Single(o => o.Name == "--passphrase-file").Description!, StringComparison.Ordinal);
    }
}
