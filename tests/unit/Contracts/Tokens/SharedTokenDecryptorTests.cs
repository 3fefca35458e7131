using System.Security.Cryptography;
using System.Text;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Unit.Contracts.Tokens;

public sealed class SharedTokenDecryptorTests
{
    public static TheoryData<string> Names() => TestVectors.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_vector_decrypts_in_both_forms_to_its_exact_passphrase(string name)
    {
        var vector = TestVectors.Get(name);
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, vector.KeyWrap);

        Assert.Equal(vector.Passphrase, decryptor.DecryptToString(vector.Token));
        Assert.Equal(vector.Passphrase, decryptor.DecryptToString(vector.TokenMultiLine));
        Assert.Equal(Encoding.UTF8.GetBytes(vector.Passphrase), decryptor.Decrypt(vector.Token));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_other_key_wrap_is_reported_as_such(string name)
    {
        var vector = TestVectors.Get(name);
        var other = vector.KeyWrap == KeyWrap.Pkcs1 ? KeyWrap.Oaep : KeyWrap.Pkcs1;
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, other);

        var e = Assert.Throws<SharedTokenDecryptionException>(() => decryptor.Decrypt(vector.Token));
        Assert.Equal(SharedTokenDecryptionError.WrongKeyWrap, e.Error);
        Assert.Contains(vector.KeyWrap.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_key_of_the_same_size_is_a_wrong_key()
    {
        using var decryptor = new SharedTokenDecryptor(RSA.Create(3072), KeyWrap.Oaep);
        var e = Assert.Throws<SharedTokenDecryptionException>(() => decryptor.Decrypt(TestVectors.Get("ascii-oaep").Token));
        Assert.Equal(SharedTokenDecryptionError.WrongKey, e.Error);
    }

    [Fact]
    public void A_key_of_another_size_is_reported_as_a_size_mismatch()
    {
        using var decryptor = new SharedTokenDecryptor(RSA.Create(2048), KeyWrap.Pkcs1);
        var e = Assert.Throws<SharedTokenDecryptionException>(() => decryptor.Decrypt(TestVectors.Get("ascii-pkcs1").Token));
        Assert.Equal(SharedTokenDecryptionError.KeySizeMismatch, e.Error);
        Assert.Contains("384", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_last_ciphertext_block_is_a_damaged_token()
    {
        var vector = TestVectors.Get("ascii-pkcs1");
        var token = SharedTokenCodec.Parse(vector.Token);
        var ciphertext = token.Ciphertext.ToArray();
        ciphertext[^1] ^= 0x5A;
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, KeyWrap.Pkcs1);

        var e = Assert.Throws<SharedTokenDecryptionException>(() => decryptor.DecryptToString(SharedTokenCodec.Encode(token.WrappedSessionKey.Span, ciphertext)));
        Assert.Contains(e.Error, new[] { SharedTokenDecryptionError.DamagedCiphertext, SharedTokenDecryptionError.NotUtf8 });
    }

    [Fact]
    public void A_damaged_wrapped_key_is_reported_as_a_wrong_key_or_damage_there()
    {
        var token = SharedTokenCodec.Parse(TestVectors.Get("ascii-oaep").Token);
        var wrapped = token.WrappedSessionKey.ToArray();
        wrapped[10] ^= 0x01;
        using var decryptor = SharedTokenDecryptor.FromKeyFile(TestVectors.PrivateKeyFile, KeyWrap.Oaep);

        var e = Assert.Throws<SharedTokenDecryptionException>(() => decryptor.Decrypt(SharedTokenCodec.Encode(wrapped, token.Ciphertext.Span)));
        Assert.Equal(SharedTokenDecryptionError.WrongKey, e.Error);
        Assert.Contains("damaged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pkcs1_pem_and_der_keys_load_as_well_as_pkcs8()
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(TestVectors.PrivateKeyFile));
        using var folder = new TempFolder();
        var pkcs1Pem = folder.Write("pkcs1.pem", rsa.ExportRSAPrivateKeyPem());
        var pkcs1Der = folder.Write("pkcs1.der", rsa.ExportRSAPrivateKey());
        var pkcs8Der = folder.Write("pkcs8.der", rsa.ExportPkcs8PrivateKey());
        var vector = TestVectors.Get("spaces-oaep");

        foreach (var file in new[] { pkcs1Pem, pkcs1Der, pkcs8Der })
        {
            using var decryptor = SharedTokenDecryptor.FromKeyFile(file, KeyWrap.Oaep);
            Assert.Equal(vector.Passphrase, decryptor.DecryptToString(vector.Token));
        }
    }

    [Fact]
    public void Encrypted_public_and_missing_key_files_are_refused_with_a_reason()
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(TestVectors.PrivateKeyFile));
        using var folder = new TempFolder();
        var encrypted = folder.Write("enc.pem", rsa.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)));
        var publicOnly = folder.Write("pub.pem", rsa.ExportSubjectPublicKeyInfoPem());

        Assert.Contains("encrypted", Assert.Throws<ArgumentException>(() => SharedTokenDecryptor.FromKeyFile(encrypted, KeyWrap.Pkcs1)).Message, StringComparison.Ordinal);
        Assert.Contains("private key", Assert.Throws<ArgumentException>(() => SharedTokenDecryptor.FromKeyFile(publicOnly, KeyWrap.Pkcs1)).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => SharedTokenDecryptor.FromKeyFile(Path.Combine(folder.Path, "none"), KeyWrap.Pkcs1)).Message, StringComparison.Ordinal);
    }
}
