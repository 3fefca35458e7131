using SharedSecretWorker.Contracts.Messages;

namespace SharedSecretWorker.Tests.Unit.Contracts.Messages;

public sealed class TokenDigestTests
{
    [Theory]
    // FIPS 180-2 appendix B.1 test vector.
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void Is_lower_case_hex_SHA256_of_the_token_text(string token, string expected)
    {
        Assert.Equal(expected, TokenDigest.Sha256Hex(token));
    }
}
