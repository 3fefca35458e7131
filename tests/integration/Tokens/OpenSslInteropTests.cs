using System.Text;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>
/// Tokens from both encryptors and both wraps decrypt with plain OpenSSL, the way the format is
/// documented (docs/cmc-shared-token.md): RSA unwrap with <c>openssl pkeyutl</c>, then AES-128-CBC with
/// the fixed IV of sixteen 0x01 bytes. An independent check that the bytes are right.
/// </summary>
[Collection(HsmCollection.Name)]
public sealed class OpenSslInteropTests
{
    private const string Iv = "01010101010101010101010101010101";

    public static TheoryData<string, KeyWrap> Encryptors() => new()
    {
        { "software", KeyWrap.Pkcs1 },
        { "software", KeyWrap.Oaep },
        { "softhsm2", KeyWrap.Pkcs1 },
        { "softhsm2", KeyWrap.Oaep },
    };

    [Theory]
    [MemberData(nameof(Encryptors))]
    public async Task Tokens_decrypt_with_openssl_pkeyutl_and_enc(string encryptorKind, KeyWrap keyWrap)
    {
        await using ITokenEncryptor encryptor = encryptorKind == "software"
            ? new SoftwareTokenEncryptor(IssuanceProtectionKey.FromFile(StackHsm.CertificateFile, "test"), keyWrap)
            // SoftHSM2 has no OAEP-SHA-256: OAEP goes through the software wrap of an HSM-generated key.
            : StackHsm.Encryptor(keyWrap, allowSoftwareKeyWrap: keyWrap == KeyWrap.Oaep);
        using var folder = new TempFolder();

        foreach (var passphrase in new[] { "x", "0123456789abcdef", $"{encryptorKind}/{keyWrap}: Tr0ub4dor&3 ~!" })
        {
            var token = SharedTokenCodec.Parse(await encryptor.EncryptAsync(Encoding.ASCII.GetBytes(passphrase), CancellationToken.None));
            var wrapped = folder.Write("wrapped.bin", token.WrappedSessionKey.ToArray());
            var ciphertext = folder.Write("ciphertext.bin", token.Ciphertext.ToArray());

            List<string> unwrap = ["pkeyutl", "-decrypt", "-inkey", StackHsm.PrivateKeyFile, "-in", wrapped];
            unwrap.AddRange(keyWrap == KeyWrap.Oaep
                ? ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256"]
                : ["-pkeyopt", "rsa_padding_mode:pkcs1"]);
            var sessionKey = await ProcessRun.RunAsync("openssl", unwrap);
            Assert.True(sessionKey.ExitCode == 0, sessionKey.Error);
            Assert.Equal(16, sessionKey.Out.Length);

            var decrypted = await ProcessRun.RunAsync("openssl",
                ["enc", "-d", "-aes-128-cbc", "-K", Convert.ToHexString(sessionKey.Out), "-iv", Iv, "-in", ciphertext]);
            Assert.True(decrypted.ExitCode == 0, decrypted.Error);
            Assert.Equal(passphrase, decrypted.OutText);
        }
    }
}
