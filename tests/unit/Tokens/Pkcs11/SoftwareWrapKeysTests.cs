using System.Security.Cryptography;
using SharedSecretWorker.Tokens;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Tests.Unit.Tokens.Pkcs11;

public sealed class SoftwareWrapKeysTests
{
    [Fact]
    public void The_same_key_located_again_keeps_its_pool_and_wraps_so_the_private_key_opens_it()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        using var keys = new SoftwareWrapKeys();

        var first = keys.For(IssuanceProtectionKey.FromModulus(parameters.Modulus!, parameters.Exponent!, "generation 1"));
        var again = keys.For(IssuanceProtectionKey.FromModulus(parameters.Modulus!, parameters.Exponent!, "generation 2"));

        Assert.Same(first, again);
        var wrapped = again.Encrypt([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], RSAEncryptionPadding.Pkcs1);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i), rsa.Decrypt(wrapped, RSAEncryptionPadding.Pkcs1));
    }

    [Fact]
    public void A_key_rotated_in_the_token_gets_a_pool_of_its_own()
    {
        using var before = RSA.Create(2048);
        using var after = RSA.Create(2048);
        using var keys = new SoftwareWrapKeys();
        var b = before.ExportParameters(false);
        var a = after.ExportParameters(false);

        var old = keys.For(IssuanceProtectionKey.FromModulus(b.Modulus!, b.Exponent!, "before"));
        var rotated = keys.For(IssuanceProtectionKey.FromModulus(a.Modulus!, a.Exponent!, "after"));

        Assert.NotSame(old, rotated);
        var wrapped = rotated.Encrypt(new byte[16], RSAEncryptionPadding.OaepSHA256);
        Assert.Equal(new byte[16], after.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA256));
    }
}
