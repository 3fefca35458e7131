using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Broker;
using SharedSecretWorker.Hosting;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Hosting;

/// <summary>
/// The health monitor with an HSM whose PKCS#11 call never returns (synchronously, as a hung module
/// does): /readyz says the HSM check timed out, the directory is still checked every round, and the
/// hung probe is not started again on top of itself.
/// </summary>
public sealed class DependencyMonitorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_hung_hsm_probe_freezes_neither_the_monitor_nor_the_directory_check()
    {
        using var hsm = new HungTokenEncryptor();
        var directory = new FakeDirectory(new EventLog());
        var health = Health(directory, out var breakers);
        var lifetime = new StartedLifetime();
        var options = Options.Create(new TelemetryOptions
        {
            HealthCheckInterval = TimeSpan.FromMilliseconds(50),
            HealthCheckTimeout = TimeSpan.FromMilliseconds(200),
        });
        using var monitor = new DependencyMonitor(health, directory, hsm, new ConcurrencyGate(4), breakers, options, TimeProvider.System, lifetime,
            NullLogger<DependencyMonitor>.Instance);

        await monitor.StartAsync(CancellationToken.None);
        lifetime.Start();
        try
        {
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline && !(health.Readiness().Problems.Contains("hsm: check failed (timeout)") && directory.Checks >= 5))
                await Task.Delay(20);
            Assert.Contains("hsm: check failed (timeout)", health.Readiness().Problems);
            Assert.True(directory.Checks >= 5, $"the directory was checked {directory.Checks} times while the HSM hung");
            Assert.Equal(1, hsm.Probes);
        }
        finally
        {
            hsm.Release();
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_open_breaker_is_left_to_its_own_probe()
    {
        using var hsm = new HungTokenEncryptor();
        hsm.Release();
        var directory = new FakeDirectory(new EventLog());
        var health = Health(directory, out var breakers, hsmProbe: _ => Task.FromException(new HsmUnavailableException("down (test)")));
        breakers.Hsm.ReportTransientFailure();
        breakers.Hsm.ReportTransientFailure();
        Assert.True(breakers.Hsm.IsOpen);
        var lifetime = new StartedLifetime();
        var options = Options.Create(new TelemetryOptions { HealthCheckInterval = TimeSpan.FromMilliseconds(50) });
        using var monitor = new DependencyMonitor(health, directory, hsm, new ConcurrencyGate(4), breakers, options, TimeProvider.System, lifetime,
            NullLogger<DependencyMonitor>.Instance);

        await monitor.StartAsync(CancellationToken.None);
        lifetime.Start();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline && directory.Checks < 5) await Task.Delay(20);
        await monitor.StopAsync(CancellationToken.None);

        Assert.True(directory.Checks >= 5);
        Assert.Equal(0, hsm.Probes); // the breaker's probe checks the HSM; the monitor adds no re-initialisations
    }

    private static WorkerHealth Health(FakeDirectory directory, out Breakers breakers, Func<CancellationToken, Task>? hsmProbe = null)
    {
        var time = TimeProvider.System;
        var breakerOptions = new CircuitBreakerOptions { ProbeInterval = TimeSpan.FromMinutes(10) };
        breakers = new Breakers(
            new CircuitBreaker("directory", directory.CheckAsync, breakerOptions, time, NullLogger.Instance),
            new CircuitBreaker("hsm", hsmProbe ?? (_ => Task.CompletedTask), breakerOptions, time, NullLogger.Instance));
        var broker = new BrokerConnection(Options.Create(new RabbitMqOptions { Uri = "amqp://worker@127.0.0.1:1/shrtok" }), NullLogger<BrokerConnection>.Instance);
        var pump = new MessagePump(broker, new Topology(new TopologyOptions(), new RetryOptions()), Options.Create(new WorkerOptions()),
            Options.Create(new TopologyOptions()), new ConcurrencyGate(4), breakers, new NoHandler(), new CompletedRequests(10), time, NullLogger<MessagePump>.Instance);
        return new WorkerHealth(broker, pump, breakers, new RunningJobs(time), directory, Options.Create(new TelemetryOptions()), new StartedLifetime());
    }

    /// <summary>A token engine whose probe blocks its calling thread until released, as a hung PKCS#11 call does.</summary>
    private sealed class HungTokenEncryptor : ITokenEncryptor, IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private int _probes;

        public int Probes => Volatile.Read(ref _probes);

        public string Description => "hung (test)";

        public void Release() => _released.Set();

        public ValueTask ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _probes);
            _released.Wait(CancellationToken.None);
            return ValueTask.CompletedTask;
        }

        public ValueTask<string> EncryptAsync(ReadOnlyMemory<byte> passphrase, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask FillRandomAsync(Memory<byte> destination, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public void Dispose() => _released.Dispose();
    }

    private sealed class NoHandler : IMessageHandler
    {
        public Task OnMessageAsync(InboundMessage message, IDeliveryAcknowledgement delivery, CancellationToken abandon) => Task.CompletedTask;
    }

    private sealed class StartedLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }
    }
}
