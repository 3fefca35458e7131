using Microsoft.Extensions.Configuration;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>Retry:Delays:N replaces the default delays; the configuration binder must not append to them.</summary>
public sealed class RetryOptionsBindingTests
{
    [Fact]
    public void Configured_delays_replace_the_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retry:Delays:0"] = "00:00:03",
            ["Retry:Delays:1"] = "00:00:30",
        }).Build();
        var options = configuration.GetSection(RetryOptions.SectionName).Get<RetryOptions>()!;
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30)], options.Delays);
        Assert.Equal(3, options.MaxAttempts);
    }

    [Fact]
    public void Without_configured_delays_the_defaults_apply()
    {
        var options = new ConfigurationBuilder().Build().GetSection(RetryOptions.SectionName).Get<RetryOptions>() ?? new RetryOptions();
        Assert.Equal(RetryOptions.DefaultDelays, options.Delays);
        Assert.Equal(8, options.MaxAttempts);
    }
}
