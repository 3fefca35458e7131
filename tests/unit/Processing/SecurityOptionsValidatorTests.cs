using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>Secure by default: every kind needs an allow-list unless Security:AllowAnyProducer is set on purpose.</summary>
public sealed class SecurityOptionsValidatorTests
{
    private static readonly SecurityOptionsValidator Validator = new();

    private static SecurityOptions Listed(params string[] kinds)
    {
        var options = new SecurityOptions();
        foreach (var kind in kinds) options.Producers[kind] = ["shrtok-idm"];
        return options;
    }

    [Fact]
    public void A_list_for_every_kind_is_valid()
    {
        Assert.True(Validator.Validate(null, Listed("enrollment", "revocation", "clear")).Succeeded);
    }

    [Theory]
    [InlineData("enrollment")]
    [InlineData("revocation")]
    [InlineData("clear")]
    public void A_kind_without_a_list_is_refused_naming_its_key_and_the_way_out(string missing)
    {
        var result = Validator.Validate(null, Listed(new[] { "enrollment", "revocation", "clear" }.Where(k => k != missing).ToArray()));

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains($"Security:Producers:{missing} ", failure, StringComparison.Ordinal);
        Assert.Contains("Security:AllowAnyProducer", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void No_lists_at_all_names_every_kind()
    {
        var result = Validator.Validate(null, new SecurityOptions());

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Security:Producers:enrollment ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Security:Producers:revocation ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Security:Producers:clear ", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_list_counts_as_none()
    {
        var options = Listed("enrollment", "revocation");
        options.Producers["clear"] = [];

        Assert.Contains("Security:Producers:clear ", Assert.Single(Validator.Validate(null, options).Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void AllowAnyProducer_accepts_kinds_without_a_list()
    {
        Assert.True(Validator.Validate(null, new SecurityOptions { AllowAnyProducer = true }).Succeeded);
        Assert.True(Validator.Validate(null, new SecurityOptions { AllowAnyProducer = true, Producers = { ["enrollment"] = ["shrtok-idm"] } }).Succeeded);
    }

    [Fact]
    public void A_misspelt_kind_and_an_empty_user_are_refused_even_with_AllowAnyProducer()
    {
        var options = new SecurityOptions { AllowAnyProducer = true, Producers = { ["enrolment"] = ["shrtok-idm"], ["clear"] = ["shrtok-idm", " "] } };

        var failures = Validator.Validate(null, options).Failures!.ToList();

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Security:Producers:enrolment is not a request kind", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Security:Producers:clear:1 is empty", StringComparison.Ordinal));
    }
}
