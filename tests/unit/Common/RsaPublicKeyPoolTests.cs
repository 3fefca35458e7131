using System.Security.Cryptography;
using SharedSecretWorker.Common;

namespace SharedSecretWorker.Tests.Unit.Common;

public sealed class RsaPublicKeyPoolTests
{
    private static readonly Lazy<RSA> PrivateKey = new(() => RSA.Create(2048));

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Concurrent_encryptions_all_decrypt_and_at_most_the_slots_stay_imported(int slots)
    {
        using var pool = new RsaPublicKeyPool(PrivateKey.Value.ExportParameters(includePrivateParameters: false), slots);
        const int threads = 12;
        const int perThread = 20;
        var results = new (byte[] Clear, byte[] Encrypted)[threads * perThread];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                var clear = RandomNumberGenerator.GetBytes(32);
                results[t * perThread + i] = (clear, pool.Encrypt(clear, i % 2 == 0 ? RSAEncryptionPadding.OaepSHA256 : RSAEncryptionPadding.Pkcs1));
            }
        })).ToList();
        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());

        for (var i = 0; i < results.Length; i++)
        {
            var padding = i % perThread % 2 == 0 ? RSAEncryptionPadding.OaepSHA256 : RSAEncryptionPadding.Pkcs1;
            Assert.Equal(results[i].Clear, PrivateKey.Value.Decrypt(results[i].Encrypted, padding));
        }
        Assert.InRange(pool.IdleCount, 1, slots);
    }

    [Fact]
    public void One_caller_at_a_time_reuses_one_imported_key()
    {
        using var pool = new RsaPublicKeyPool(PrivateKey.Value.ExportParameters(includePrivateParameters: false), slots: 4);
        Assert.Equal(0, pool.IdleCount);
        for (var i = 0; i < 10; i++) pool.Encrypt(new byte[16], RSAEncryptionPadding.Pkcs1);
        Assert.Equal(1, pool.IdleCount);
    }

    [Fact]
    public void A_private_part_is_not_kept()
    {
        using var pool = new RsaPublicKeyPool(PrivateKey.Value.ExportParameters(includePrivateParameters: true));
        var encrypted = pool.Encrypt("abc"u8, RSAEncryptionPadding.OaepSHA256);
        Assert.Equal("abc"u8.ToArray(), PrivateKey.Value.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA256));
    }

    [Fact]
    public void A_bad_key_fails_at_the_first_encryption()
    {
        using var pool = new RsaPublicKeyPool(new RSAParameters { Modulus = [0x00], Exponent = [0x01, 0x00, 0x01] });
        Assert.ThrowsAny<CryptographicException>(() => pool.Encrypt(new byte[16], RSAEncryptionPadding.Pkcs1));
    }

    [Fact]
    public void After_disposal_it_refuses_and_keeps_nothing()
    {
        var pool = new RsaPublicKeyPool(PrivateKey.Value.ExportParameters(includePrivateParameters: false));
        pool.Encrypt(new byte[16], RSAEncryptionPadding.Pkcs1);
        pool.Dispose();
        Assert.Equal(0, pool.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => pool.Encrypt(new byte[16], RSAEncryptionPadding.Pkcs1));
    }
}
