using System.Text;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>The built shrtok binary, as operators run it: configuration from the environment, OpenSSL to check.</summary>
[Collection(HsmCollection.Name)]
public sealed class ShrTokBinaryTests
{

    public static TheoryData<string> Names() => TestVectors.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Every_vector_decrypts_with_shrtok_decrypt_in_both_forms(string name)
    {
        var vector = TestVectors.Get(name);
        using var folder = new TempFolder();
        var file = folder.Write("token.b64", vector.TokenMultiLine);
        var wrap = vector.KeyWrap == KeyWrap.Oaep ? new[] { "--oaep" } : [];

        foreach (var token in new[] { vector.Token, "@" + file })
        {
            var run = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "decrypt", "--key", TestVectors.PrivateKeyFile, .. wrap, token]);
            Assert.True(run.ExitCode == 0, run.Error);
            // The passphrase's UTF-8 bytes exactly, non-ASCII vectors included, then a newline.
            Assert.Equal(Encoding.UTF8.GetBytes(vector.Passphrase + "\n"), run.Out);
        }
    }

    [Fact]
    public async Task Token_on_the_stack_hsm_from_standard_input_decrypts_with_openssl()
    {
        var environment = new Dictionary<string, string>(StackEnvironment.Load().WorkerEnvironment());
        environment["Token__KeyWrap"] = "Pkcs1";
        using var folder = new TempFolder();

        var made = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "token"], "Piped.Passphrase-7\n"u8.ToArray(), environment);

        Assert.True(made.ExitCode == 0, made.Error);
        var text = made.OutText;
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text.TrimEnd('\n'));
        var token = SharedTokenCodec.Parse(text);
        var wrapped = folder.Write("wrapped.bin", token.WrappedSessionKey.ToArray());
        var ciphertext = folder.Write("ciphertext.bin", token.Ciphertext.ToArray());
        var key = await ProcessRun.RunAsync("openssl", ["pkeyutl", "-decrypt", "-inkey", StackHsm.PrivateKeyFile, "-in", wrapped]);
        Assert.True(key.ExitCode == 0, key.Error);
        var plain = await ProcessRun.RunAsync("openssl", ["enc", "-d", "-aes-128-cbc", "-K", Convert.ToHexString(key.Out), "-iv", "01010101010101010101010101010101", "-in", ciphertext]);
        Assert.Equal("Piped.Passphrase-7", plain.OutText);
    }

    [Fact]
    public async Task Token_generate_with_oaep_on_softhsm2_needs_the_software_wrap_option()
    {
        var environment = new Dictionary<string, string>(StackEnvironment.Load().WorkerEnvironment());
        environment["Token__KeyWrap"] = "Pkcs1";

        var refused = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "token", "--oaep", "--generate"], environment: environment);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Hsm:AllowSoftwareKeyWrap", refused.Error, StringComparison.Ordinal);
        Assert.Empty(refused.Out);

        environment["Hsm__AllowSoftwareKeyWrap"] = "true";
        var made = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "token", "--oaep", "--generate"], environment: environment);
        Assert.True(made.ExitCode == 0, made.Error);
        Assert.Contains("warn", made.Error, StringComparison.Ordinal);
        // The console logger writes on its own thread: find the passphrase by its heading, not by position.
        var lines = made.Error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var shown = lines[Array.FindIndex(lines, l => l.StartsWith("Generated passphrase", StringComparison.Ordinal)) + 1];
        using var decryptor = StackHsm.Decryptor(KeyWrap.Oaep);
        Assert.Equal(shown, decryptor.DecryptToString(made.OutText));
        Assert.DoesNotContain(shown, made.OutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_ascii_passphrase_on_standard_input_exits_2()
    {
        var run = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "token", "--cert", StackHsm.CertificateFile], "pässword\n"u8.ToArray());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not printable ASCII", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Decrypt_with_the_wrong_key_exits_1()
    {
        var run = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "decrypt", "--key", StackHsm.PrivateKeyFile, TestVectors.Get("ascii-pkcs1").Token]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("wrong key", run.Error, StringComparison.Ordinal);
    }
}
