using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Requests;

public sealed class UidSyntaxTests
{
    [Theory]
    [InlineData("jdoe")]
    [InlineData("user0001")]
    [InlineData("j.doe-2@example.com")]
    // Filter metacharacters are legal uids: they are escaped and then match literally (RFC 4515).
    [InlineData("*")]
    [InlineData(")(uid=*")]
    [InlineData("x)(objectClass=*")]
    [InlineData("back\\slash")]
    [InlineData("a b")]
    public void Accepts_printable_ascii(string uid) => Assert.Null(UidSyntax.Validate(uid));

    [Fact]
    public void Accepts_exactly_the_maximum_length() => Assert.Null(UidSyntax.Validate(new string('u', UidSyntax.MaxLength)));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("jd\0oe", "control character (U+0000) at position 3")]
    [InlineData("jdoe\n", "control character (U+000A)")]
    [InlineData("\tjdoe", "control character (U+0009)")]
    [InlineData("jdöe", "non-ASCII character (U+00F6)")]
    [InlineData(" jdoe", "space")]
    [InlineData("jdoe ", "space")]
    public void Refuses(string uid, string reason)
    {
        var error = UidSyntax.Validate(uid);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_null() => Assert.NotNull(UidSyntax.Validate(null));

    [Fact]
    public void Refuses_20000_characters()
    {
        var error = UidSyntax.Validate(new string('a', 20_000));
        Assert.NotNull(error);
        Assert.Contains("20000 characters", error, StringComparison.Ordinal);
    }
}
