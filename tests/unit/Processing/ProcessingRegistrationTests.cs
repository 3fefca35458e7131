using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Delivery;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// AddProcessing and AddDelivery wire the handler the broker adapter resolves to the registered ports
/// (here the recording fakes) and to the configured channels and producers.
/// </summary>
public sealed class ProcessingRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ChannelCertificate _channel;
    private readonly EventLog _events = new();
    private readonly FakePublisher _publisher;

    public ProcessingRegistrationTests()
    {
        _channel = ChannelCertificate.Write(_folder.Path, ProcessingRig.Channel);
        _publisher = new FakePublisher(_events);
    }

    public void Dispose() => _folder.Dispose();

    private ServiceProvider Build(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Delivery:Channels:{ProcessingRig.Channel}:CertificateFile"] = _channel.CertificateFile,
            ["CircuitBreaker:ProbeInterval"] = "01:00:00",
            // These tests are about the wiring; the allow-list's own tests set lists or turn this off.
            ["Security:AllowAnyProducer"] = "true",
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new ManualTime());
        var encryptor = new FakeTokenEncryptor(_events);
        services.AddSingleton<ITokenEncryptor>(encryptor);
        services.AddSingleton(new PassphraseGenerator(encryptor, ProcessingRig.PassphraseLength, ProcessingRig.PassphraseGroupSize));
        services.AddSingleton(new TokenLifetime(Options.Create(new TokenOptions())));
        services.AddSingleton<IDirectoryStore>(new FakeDirectory(_events));
        services.AddSingleton<IMessagePublisher>(_publisher);
        services.AddSingleton<IAddressDigest>(new FakeAddressDigest());
        services.AddSingleton<IDelayedDelivery>(new FakeDelayedDelivery(_events));
        services.AddSingleton<IDeadLetterQueue>(new FakeDeadLetterQueue(_events));
        services.AddSingleton<IPartitionRouting>(new FakePartitionRouting(_events));
        services.AddDelivery(configuration);
        services.AddProcessing(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task The_registered_handler_runs_an_enrollment_through_the_registered_ports()
    {
        await using var provider = Build();
        var handler = provider.GetRequiredService<IMessageHandler>();
        Assert.Same(handler, provider.GetRequiredService<IMessageHandler>());
        var delivery = new FakeAcknowledgement(_events);

        await handler.OnMessageAsync(Deliveries.Enrollment(), delivery, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["hsm.encrypt", "directory.store-enrollment uid=jdoe", "publish.notice", "publish.result stored", "ack"], _events.Snapshot());
        using var unsealer = SharedSecretWorker.Contracts.Sealing.PassphraseUnsealer.Load(_channel.KeyFile, _channel.CertificateFile);
        Assert.NotEmpty(unsealer.UnsealBase64(Assert.Single(_publisher.Notices).SealedPassphrase));
    }

    [Fact]
    public async Task The_producer_list_comes_from_Security_Producers()
    {
        await using var provider = Build(new() { ["Security:Producers:enrollment:0"] = "someone-else" });

        await provider.GetRequiredService<IMessageHandler>()
            .OnMessageAsync(Deliveries.Enrollment(), new FakeAcknowledgement(_events), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["publish.result failed code=forbidden", "deadletter code=forbidden", "ack"], _events.Snapshot());
    }

    [Fact]
    public async Task Without_an_allow_list_for_each_kind_the_options_are_refused_naming_the_keys()
    {
        await using var provider = Build(new()
        {
            ["Security:AllowAnyProducer"] = "false",
            ["Security:Producers:enrollment:0"] = "shrtok-idm",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SecurityOptions>>().Value);

        Assert.Contains("Security:Producers:revocation", error.Message, StringComparison.Ordinal);
        Assert.Contains("Security:Producers:clear", error.Message, StringComparison.Ordinal);
        Assert.Contains("Security:AllowAnyProducer", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Security:Producers:enrollment", error.Message, StringComparison.Ordinal);
    }
}
