using Microsoft.Extensions.Options;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Tokens;

/// <summary>Token:Lifetime and Token:MaxLifetime: their validation and the lifetime a request gets (docs/token-lifecycle.md, "A lifetime").</summary>
public sealed class TokenLifetimeTests
{
    private static List<string> Problems(TimeSpan lifetime, TimeSpan max) =>
        TokenOptionsValidator.Check(new TokenOptions
        {
            KeyWrap = SharedSecretWorker.Contracts.Tokens.KeyWrap.Oaep,
            IssuanceProtectionCertificateFile = "",
            Lifetime = lifetime,
            MaxLifetime = max,
        }, new HsmOptions { Library = "lib.so", IssuanceProtectionKeyLabel = "label" });

    [Fact]
    public void The_defaults_are_seven_days_and_valid()
    {
        var options = new TokenOptions();
        Assert.Equal(TimeSpan.FromDays(7), options.Lifetime);
        Assert.Equal(TimeSpan.FromDays(7), options.MaxLifetime);
        Assert.Empty(Problems(options.Lifetime, options.MaxLifetime));
    }

    [Fact]
    public void Never_is_allowed_only_without_a_maximum()
    {
        Assert.Empty(Problems(TimeSpan.Zero, TimeSpan.Zero));
        Assert.Empty(Problems(TimeSpan.FromDays(30), TimeSpan.Zero));
        var problem = Assert.Single(Problems(TimeSpan.Zero, TimeSpan.FromDays(7)));
        Assert.StartsWith("Token:Lifetime is 0", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_may_not_exceed_the_maximum()
    {
        var problem = Assert.Single(Problems(TimeSpan.FromDays(8), TimeSpan.FromDays(7)));
        Assert.Contains("Token:Lifetime", problem, StringComparison.Ordinal);
        Assert.Contains("Token:MaxLifetime", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:00.5")]
    [InlineData("367.00:00:00")]
    public void Negative_fractional_or_too_long_values_are_refused_naming_the_key(string value)
    {
        var span = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(Problems(span, TimeSpan.Zero), p => p.StartsWith("Token:Lifetime is", StringComparison.Ordinal));
        Assert.Contains(Problems(TimeSpan.FromSeconds(1), span), p => p.StartsWith("Token:MaxLifetime is", StringComparison.Ordinal));
    }

    [Fact]
    public void A_request_gets_its_own_lifetime_else_the_default_and_never_more_than_the_maximum()
    {
        var lifetime = new TokenLifetime(Options.Create(new TokenOptions { Lifetime = TimeSpan.FromDays(1), MaxLifetime = TimeSpan.FromDays(2) }));
        Assert.Equal(TimeSpan.FromDays(1), lifetime.For(null));
        Assert.Equal(TimeSpan.FromSeconds(30), lifetime.For(TimeSpan.FromSeconds(30)));
        Assert.Null(lifetime.Refusal(null));
        Assert.Null(lifetime.Refusal(TimeSpan.FromDays(2)));
        var refusal = lifetime.Refusal(TimeSpan.FromDays(2) + TimeSpan.FromSeconds(1));
        Assert.NotNull(refusal);
        Assert.Contains("172801", refusal, StringComparison.Ordinal);
        Assert.Contains("Token:MaxLifetime", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_maximum_any_request_is_allowed_and_never_means_no_expiry()
    {
        var lifetime = new TokenLifetime(Options.Create(new TokenOptions { Lifetime = TimeSpan.Zero, MaxLifetime = TimeSpan.Zero }));
        Assert.Null(lifetime.For(null));
        Assert.Null(lifetime.Refusal(TimeSpan.FromDays(366)));
    }
}
