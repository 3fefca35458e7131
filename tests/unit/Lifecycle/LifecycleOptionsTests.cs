using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Lifecycle;
using SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

namespace SharedSecretWorker.Tests.Unit.Lifecycle;

public sealed class LifecycleOptionsTests
{
    private static LifecycleOptions Valid() => new()
    {
        CertificateBase = FakeLifecycleDirectory.CertificateBase,
        CheckpointEntry = FakeLifecycleDirectory.CheckpointEntry,
    };

    private static string? Errors(LifecycleOptions options) => new LifecycleOptionsValidator().Validate(null, options).FailureMessage;

    [Fact]
    public void The_defaults_are_named_and_valid()
    {
        var options = Valid();
        Assert.True(options.Enabled);
        Assert.Equal(LifecycleOptions.DefaultFirstCatchUp, options.FirstCatchUp);
        Assert.Equal(LifecycleOptions.DefaultClockMargin, options.ClockMargin);
        Assert.Equal(LifecycleOptions.DefaultCheckpointInterval, options.CheckpointInterval);
        Assert.Equal(LifecycleOptions.DefaultReconnectDelay, options.ReconnectDelay);
        Assert.Null(Errors(options));
        Assert.Null(Errors(new LifecycleOptions { CertificateBase = FakeLifecycleDirectory.CertificateBase })); // memory-only checkpoint
    }

    [Theory]
    [InlineData("CertificateBase", "", "Lifecycle:CertificateBase is empty")]
    [InlineData("CertificateBase", "certificates", "Lifecycle:CertificateBase 'certificates' is not a DN")]
    [InlineData("CheckpointEntry", "checkpoint", "Lifecycle:CheckpointEntry 'checkpoint' is not a DN")]
    [InlineData("FirstCatchUp", "-00:00:01", "Lifecycle:FirstCatchUp")]
    [InlineData("FirstCatchUp", "400.00:00:00", "Lifecycle:FirstCatchUp")]
    [InlineData("ClockMargin", "3.00:00:00", "Lifecycle:ClockMargin")]
    [InlineData("CheckpointInterval", "00:00:00.500", "Lifecycle:CheckpointInterval")]
    [InlineData("CheckpointInterval", "02:00:00", "Lifecycle:CheckpointInterval")]
    [InlineData("ReconnectDelay", "00:00:00", "Lifecycle:ReconnectDelay")]
    public void Every_error_names_its_key(string key, string value, string expected)
    {
        var options = Valid();
        var property = typeof(LifecycleOptions).GetProperty(key)!;
        property.SetValue(options, property.PropertyType == typeof(TimeSpan) ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);
        Assert.Contains(expected, Errors(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_checked_when_the_watcher_is_off() =>
        Assert.Null(Errors(new LifecycleOptions { Enabled = false, CertificateBase = "", ClockMargin = TimeSpan.FromDays(30) }));

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<SharedSecretWorker.Directory.ITokenLifecycleDirectory, FakeLifecycleDirectory>();
        services.AddSingleton<ITokenEventPublisher, FakeTokenEvents>();
        services.AddSingleton<SharedSecretWorker.Directory.IOutstandingTokenReader, FakeOutstandingTokens>();
        services.AddOptions<SharedSecretWorker.Directory.DirectoryOptions>();
        services.AddLifecycle(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_section_binds_the_certificate_base_defaults_to_the_directorys_and_the_watcher_is_hosted()
    {
        using var provider = Build(new()
        {
            ["Directory:CertificateRepositoryBase"] = FakeLifecycleDirectory.CertificateBase,
            ["Lifecycle:CheckpointEntry"] = FakeLifecycleDirectory.CheckpointEntry,
            ["Lifecycle:ClockMargin"] = "00:10:00",
        });
        var options = provider.GetRequiredService<IOptions<LifecycleOptions>>().Value;
        Assert.Equal(FakeLifecycleDirectory.CertificateBase, options.CertificateBase);
        Assert.Equal(TimeSpan.FromMinutes(10), options.ClockMargin);
        Assert.Single(provider.GetServices<IHostedService>().OfType<CertificateRecordWatcher>());
        Assert.Single(provider.GetServices<IHostedService>().OfType<TokenCensus>());
        Assert.Equal(LifecycleOptions.DefaultCensusInterval, options.CensusInterval);

        using var own = Build(new() { ["Directory:CertificateRepositoryBase"] = "ou=a,dc=b", ["Lifecycle:CertificateBase"] = "ou=c,dc=d" });
        Assert.Equal("ou=c,dc=d", own.GetRequiredService<IOptions<LifecycleOptions>>().Value.CertificateBase);
    }

    [Fact]
    public void An_invalid_section_fails_naming_the_key()
    {
        using var provider = Build(new() { ["Lifecycle:CheckpointInterval"] = "00:00:00" });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LifecycleOptions>>().Value);
        Assert.Contains("Lifecycle:CertificateBase", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lifecycle:CheckpointInterval", error.Message, StringComparison.Ordinal);
    }
}
