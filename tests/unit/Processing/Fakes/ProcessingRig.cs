using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Contracts.Sealing;
using SharedSecretWorker.Delivery;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>
/// The real processing (RequestHandler, RequestProcessor, Settler, ProducerCheck, CompletedRequests,
/// TargetLocks, Breakers, PassphraseSealer, RequestParser), made with <c>new</c>, around recording fakes
/// that share one <see cref="EventLog"/>. Retries: two delays (10 s, 20 s), so three attempts; no jitter
/// unless asked. Breakers open at the first transient failure and never probe during a test.
/// </summary>
internal sealed class ProcessingRig : IDisposable
{
    public const string Channel = "email";
    public const int PassphraseLength = 20;
    public const int PassphraseGroupSize = 5;

    private readonly TempFolder _folder = new();

    public ProcessingRig(SecurityOptions? security = null, double jitter = 0, int completedMemory = 1000, TokenOptions? tokens = null)
    {
        Events = new EventLog();
        Hsm = new FakeTokenEncryptor(Events);
        Directory = new FakeDirectory(Events);
        Publisher = new FakePublisher(Events);
        Delayed = new FakeDelayedDelivery(Events);
        DeadLetters = new FakeDeadLetterQueue(Events);
        ChannelKeys = ChannelCertificate.Write(_folder.Path, Channel);
        Sealer = new PassphraseSealer(Options.Create(new DeliveryOptions
        {
            Channels = { [Channel] = new DeliveryChannelOptions { CertificateFile = ChannelKeys.CertificateFile } },
        }), Time);
        Retry = new RetryOptions { ConfiguredDelays = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)], Jitter = jitter };
        var retry = Options.Create(Retry);
        var producers = new ProducerCheck(Options.Create(security ?? new SecurityOptions()));
        Completed = new CompletedRequests(completedMemory);
        var breakerOptions = new CircuitBreakerOptions { FailureThreshold = 1, ProbeInterval = TimeSpan.FromHours(1) };
        Breakers = new Breakers(
            new CircuitBreaker("directory", _ => Task.CompletedTask, breakerOptions, Time, NullLogger.Instance),
            new CircuitBreaker("hsm", _ => Task.CompletedTask, breakerOptions, Time, NullLogger.Instance));
        Parser = new RequestParser(Sealer.Channels);
        Processor = new RequestProcessor(Parser, producers, Completed, Locks,
            new PassphraseGenerator(Hsm, PassphraseLength, PassphraseGroupSize), Hsm, new TokenLifetime(Options.Create(tokens ?? new TokenOptions())), Directory, Sealer, Publisher, Addresses, Breakers, Time,
            NullLogger<RequestProcessor>.Instance);
        Partitions = new FakePartitionRouting(Events);
        var settler = new Settler(Publisher, Delayed, DeadLetters, Partitions, retry, producers, Addresses, Time, NullLogger<Settler>.Instance);
        Producers = producers;
        Handler = new RequestHandler(Processor, settler, producers, retry, Time, new RunningJobs(Time), NullLogger<RequestHandler>.Instance);
    }

    public EventLog Events { get; }
    public FakeTokenEncryptor Hsm { get; }
    public FakeDirectory Directory { get; }
    public FakePublisher Publisher { get; }
    public FakeDelayedDelivery Delayed { get; }
    public FakeDeadLetterQueue DeadLetters { get; }
    public FakePartitionRouting Partitions { get; }
    public ManualTime Time { get; } = new();
    public FakeAddressDigest Addresses { get; } = new();
    public RetryOptions Retry { get; }
    public CompletedRequests Completed { get; }
    public TargetLocks Locks { get; } = new();
    public Breakers Breakers { get; }
    public PassphraseSealer Sealer { get; }
    public ChannelCertificate ChannelKeys { get; }

    public RequestParser Parser { get; }
    public ProducerCheck Producers { get; }

    /// <summary>The processor inside <see cref="Handler"/>, for tests of an attempt's outcome.</summary>
    public RequestProcessor Processor { get; }

    /// <summary>What the broker adapter calls.</summary>
    public IMessageHandler Handler { get; }

    /// <summary>Runs one delivery to its settlement; returns its acknowledgement.</summary>
    public async Task<FakeAcknowledgement> RunAsync(InboundMessage message, CancellationToken abandon = default)
    {
        var delivery = NewDelivery();
        await Handler.OnMessageAsync(message, delivery, abandon).WaitAsync(TimeSpan.FromSeconds(10));
        return delivery;
    }

    /// <summary>Starts one delivery without waiting (for gated tests).</summary>
    public Task Start(InboundMessage message, FakeAcknowledgement delivery, CancellationToken abandon = default) =>
        Handler.OnMessageAsync(message, delivery, abandon);

    public FakeAcknowledgement NewDelivery() => new(Events);

    /// <summary>Opens a notice's sealed passphrase with the channel's private key, as the hand-off service does.</summary>
    public string Unseal(DeliveryNotice notice)
    {
        using var unsealer = PassphraseUnsealer.Load(ChannelKeys.KeyFile, ChannelKeys.CertificateFile);
        return Encoding.ASCII.GetString(unsealer.UnsealBase64(notice.SealedPassphrase));
    }

    public void Dispose()
    {
        Breakers.Dispose();
        Sealer.Dispose();
        _folder.Dispose();
    }
}
