using System.Text;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Tokens;

public sealed class SoftwareTokenEncryptorTests
{
    [Theory]
    [InlineData(KeyWrap.Pkcs1)]
    [InlineData(KeyWrap.Oaep)]
    public async Task Tokens_decrypt_with_the_issuance_protection_private_key(KeyWrap keyWrap)
    {
        await using var encryptor = Create(keyWrap);
        await encryptor.ProbeAsync(CancellationToken.None);
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, keyWrap);

        foreach (var passphrase in new[] { "x", "0123456789abcdef", "correct horse battery staple", new string('L', 300) })
        {
            var token = await encryptor.EncryptAsync(Encoding.ASCII.GetBytes(passphrase), CancellationToken.None);
            Assert.Equal(passphrase, decryptor.DecryptToString(token));
            var parsed = SharedTokenCodec.Parse(token);
            Assert.Equal(384, parsed.WrappedSessionKey.Length);
            Assert.Equal((passphrase.Length / 16 + 1) * 16, parsed.Ciphertext.Length);
        }
    }

    [Theory]
    [InlineData(KeyWrap.Pkcs1)]
    [InlineData(KeyWrap.Oaep)]
    public async Task Tokens_made_from_many_threads_at_once_all_decrypt(KeyWrap keyWrap)
    {
        // The wrapping key is imported once and shared out, one RSA object per concurrent caller.
        await using var encryptor = Create(keyWrap);
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, keyWrap);
        var passphrases = Enumerable.Range(0, 96).Select(i => $"concurrent-{i:D3}").ToArray();
        using var start = new Barrier(16);
        var tasks = Enumerable.Range(0, 16).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return Enumerable.Range(0, passphrases.Length / 16)
                .Select(i => (Index: t * (passphrases.Length / 16) + i, Token: encryptor.EncryptAsync(Encoding.ASCII.GetBytes(passphrases[t * (passphrases.Length / 16) + i]), CancellationToken.None).AsTask().Result))
                .ToList();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();

        foreach (var (index, token) in (await Task.WhenAll(tasks)).SelectMany(list => list))
            Assert.Equal(passphrases[index], decryptor.DecryptToString(token));
    }

    [Fact]
    public async Task Every_token_has_a_fresh_session_key()
    {
        await using var encryptor = Create(KeyWrap.Pkcs1);
        var a = SharedTokenCodec.Parse(await encryptor.EncryptAsync("same"u8.ToArray(), CancellationToken.None));
        var b = SharedTokenCodec.Parse(await encryptor.EncryptAsync("same"u8.ToArray(), CancellationToken.None));

        // Same passphrase and fixed IV: only a new session key makes the ciphertexts differ.
        Assert.NotEqual(a.Ciphertext.ToArray(), b.Ciphertext.ToArray());
        Assert.NotEqual(a.WrappedSessionKey.ToArray(), b.WrappedSessionKey.ToArray());
    }

    [Fact]
    public async Task An_empty_passphrase_is_refused()
    {
        await using var encryptor = Create(KeyWrap.Pkcs1);
        await Assert.ThrowsAsync<ArgumentException>(async () => await encryptor.EncryptAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None));
    }

    [Fact]
    public async Task Random_bytes_fill_the_buffer()
    {
        await using var encryptor = Create(KeyWrap.Pkcs1);
        var a = new byte[64];
        var b = new byte[64];
        await encryptor.FillRandomAsync(a, CancellationToken.None);
        await encryptor.FillRandomAsync(b, CancellationToken.None);
        Assert.NotEqual(a, b);
        Assert.NotEqual(new byte[64], a);
    }

    [Fact]
    public void A_certificate_file_that_is_not_a_certificate_is_refused_naming_the_setting()
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.crt", "not a certificate");
        var e = Assert.Throws<TokenEngineException>(() => IssuanceProtectionKey.FromFile(file, "Token:IssuanceProtectionCertificateFile"));
        Assert.Contains("Token:IssuanceProtectionCertificateFile", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Description_names_the_wrap_and_the_certificate()
    {
        var encryptor = Create(KeyWrap.Oaep);
        Assert.Contains("Oaep", encryptor.Description, StringComparison.Ordinal);
        Assert.Contains("Issuance Protection", encryptor.Description, StringComparison.Ordinal);
    }

    private static SoftwareTokenEncryptor Create(KeyWrap keyWrap) =>
        new(IssuanceProtectionKey.FromFile(TestVectors.CertificateFile, "test"), keyWrap);
}
