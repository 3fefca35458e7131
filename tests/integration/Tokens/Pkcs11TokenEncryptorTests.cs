using System.Text;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>The PKCS#11 encryptor against the stack's real SoftHSM2 token.</summary>
[Collection(HsmCollection.Name)]
public sealed class Pkcs11TokenEncryptorTests
{
    [Fact]
    public async Task Pkcs1_tokens_are_made_in_the_hsm_and_decrypt_with_the_issuance_protection_key()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1);
        await encryptor.ProbeAsync(CancellationToken.None);
        Assert.Equal(Pkcs11WrapMode.InHsm, encryptor.Mode);
        using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);

        foreach (var passphrase in new[] { "x", "0123456789abcdef", "ABCDE-FGHJK-LMNPQ-RSTUV", new string('~', 500) })
        {
            var token = await encryptor.EncryptAsync(Encoding.ASCII.GetBytes(passphrase), CancellationToken.None);
            Assert.Equal(passphrase, decryptor.DecryptToString(token));
        }
    }

    [Fact]
    public async Task SoftHsm2_refuses_oaep_sha256_and_start_up_fails_naming_both_settings()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Oaep);

        var e = await Assert.ThrowsAsync<TokenEngineException>(async () => await encryptor.ProbeAsync(CancellationToken.None));

        // The fact: SoftHSM2 2.6.1 answers C_WrapKey(CKM_RSA_PKCS_OAEP, SHA-256) with CKR_ARGUMENTS_BAD.
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Assert.IsType<Pkcs11Exception>(e.InnerException).RV);
        Assert.Contains("Hsm:AllowSoftwareKeyWrap", e.Message, StringComparison.Ordinal);
        Assert.Contains("Token:KeyWrap", e.Message, StringComparison.Ordinal);
        Assert.Equal(Pkcs11WrapMode.Unknown, encryptor.Mode);
        await Assert.ThrowsAsync<TokenEngineException>(async () => await encryptor.EncryptAsync("x"u8.ToArray(), CancellationToken.None));
    }

    [Fact]
    public async Task With_software_key_wrap_allowed_oaep_tokens_decrypt_and_a_warning_is_logged()
    {
        var logger = new RecordingLogger();
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Oaep, allowSoftwareKeyWrap: true, logger: logger);
        await encryptor.ProbeAsync(CancellationToken.None);

        Assert.Equal(Pkcs11WrapMode.Software, encryptor.Mode);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Hsm:AllowSoftwareKeyWrap", StringComparison.Ordinal));
        Assert.Contains("in software", encryptor.Description, StringComparison.Ordinal);
        using var decryptor = StackHsm.Decryptor(KeyWrap.Oaep);
        var token = await encryptor.EncryptAsync("Oaep.Via.Software.Wrap"u8.ToArray(), CancellationToken.None);
        Assert.Equal("Oaep.Via.Software.Wrap", decryptor.DecryptToString(token));
        using var pkcs1 = StackHsm.Decryptor(KeyWrap.Pkcs1);
        Assert.Equal(SharedTokenDecryptionError.WrongKeyWrap, Assert.Throws<SharedTokenDecryptionException>(() => pkcs1.Decrypt(token)).Error);
    }

    [Fact]
    public async Task Pkcs1_with_software_key_wrap_allowed_still_wraps_in_the_hsm()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, allowSoftwareKeyWrap: true);
        await encryptor.ProbeAsync(CancellationToken.None);
        Assert.Equal(Pkcs11WrapMode.InHsm, encryptor.Mode);
    }

    [Fact]
    public async Task The_key_can_come_from_the_token_by_label_without_a_certificate_file()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, keyLabel: StackHsm.KeyLabel);
        var token = await encryptor.EncryptAsync("from-the-token"u8.ToArray(), CancellationToken.None);

        using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);
        Assert.Equal("from-the-token", decryptor.DecryptToString(token));
    }

    [Fact]
    public async Task A_label_and_a_certificate_file_holding_different_keys_are_refused()
    {
        var vectors = TestVectors.CertificateFile;
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, keyLabel: StackHsm.KeyLabel, certificateFile: vectors);

        var e = await Assert.ThrowsAsync<TokenEngineException>(async () => await encryptor.ProbeAsync(CancellationToken.None));
        Assert.Contains("different keys", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_token_label_or_key_label_is_a_permanent_error_naming_the_setting()
    {
        var options = StackHsm.Options();
        options.TokenLabel = "no-such-token";
        await using (var encryptor = new Pkcs11TokenEncryptor(options, KeyWrap.Pkcs1, IssuanceProtectionKey.FromFile(StackHsm.CertificateFile, "test"), new RecordingLogger()))
        {
            var e = await Assert.ThrowsAsync<TokenEngineException>(async () => await encryptor.ProbeAsync(CancellationToken.None));
            Assert.Contains("Hsm:TokenLabel", e.Message, StringComparison.Ordinal);
            Assert.Contains("'no-such-token'", e.Message, StringComparison.Ordinal);
            Assert.Contains("tokens present", e.Message, StringComparison.Ordinal);
        }
        await using (var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1, keyLabel: "no-such-key"))
        {
            var e = await Assert.ThrowsAsync<TokenEngineException>(async () => await encryptor.ProbeAsync(CancellationToken.None));
            Assert.Contains("Hsm:IssuanceProtectionKeyLabel", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Randomness_and_passphrases_come_from_the_hsm()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Pkcs1);
        var a = new byte[32];
        var b = new byte[32];
        await encryptor.FillRandomAsync(a, CancellationToken.None);
        await encryptor.FillRandomAsync(b, CancellationToken.None);
        Assert.NotEqual(a, b);

        var generator = new PassphraseGenerator(encryptor, 24, 4);
        var passphrase = await generator.GenerateAsync(CancellationToken.None);
        Assert.Equal(29, passphrase.Length);
        Assert.True(PassphrasePolicy.IsPrintableAscii(passphrase, out _));
        var token = await encryptor.EncryptAsync(passphrase, CancellationToken.None);
        using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);
        Assert.Equal(passphrase, decryptor.Decrypt(token));
    }

    [Fact]
    public async Task No_session_key_is_left_on_the_token()
    {
        await using var encryptor = StackHsm.Encryptor(KeyWrap.Oaep, allowSoftwareKeyWrap: true);
        for (var i = 0; i < 5; i++) await encryptor.EncryptAsync("x"u8.ToArray(), CancellationToken.None);

        var secretKeys = await encryptor.Pool.RunAsync((session, _) => session.FindAllObjects(
            [encryptor.Pool.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY)]).Count, "test", CancellationToken.None);
        Assert.Equal(0, secretKeys);
    }
}
