using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Hosting;

/// <summary>
/// Checks the directory (bind and bases) and the HSM (session, login, a throw-away token) every
/// Telemetry:HealthCheckInterval for /readyz and the <c>shrtok.dependency.up</c> gauge: a worker
/// with an idle queue would otherwise not notice that its directory went away. Also exposes this
/// worker's state to the observable gauges while it runs.
/// Each check runs on a thread of its own and is judged after Telemetry:HealthCheckTimeout: a
/// PKCS#11 or libldap call is synchronous, and a hung one must freeze neither the monitor nor the
/// other check. A check still hung from an earlier round is not started again (that would pile
/// threads into a dead module). While a dependency's circuit breaker is open, its own probe checks
/// it (every CircuitBreaker:ProbeInterval): probing here too would re-initialise a lost HSM module
/// twice per interval.
/// </summary>
internal sealed class DependencyMonitor : BackgroundService
{
    private readonly WorkerHealth _health;
    private readonly IDirectoryStore _directory;
    private readonly ITokenEncryptor _encryptor;
    private readonly ConcurrencyGate _gate;
    private readonly Breakers _breakers;
    private readonly TelemetryOptions _options;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<DependencyMonitor> _logger;
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public DependencyMonitor(WorkerHealth health, IDirectoryStore directory, ITokenEncryptor encryptor, ConcurrencyGate gate, Breakers breakers,
        IOptions<TelemetryOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DependencyMonitor> logger)
    {
        _lifetime = lifetime;
        _health = health;
        _directory = directory;
        _encryptor = encryptor;
        _gate = gate;
        _breakers = breakers;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var observed = WorkerMetrics.Observe(new ObservedWorker(
            () => _gate.InFlight,
            _gate.Capacity,
            () => [new(TelemetryNames.Directory, _breakers.Directory.IsOpen), new(TelemetryNames.Hsm, _breakers.Hsm.IsOpen)],
            _health.DependencyStates));
        try
        {
            // The start-up checks (StartupCheck, the token engine's probe) go first and alone: the
            // engine's first probe connects and logs in, and needs no company.
            await WhenStartedAsync(stoppingToken).ConfigureAwait(false);
            WorkerMetrics.StartSeriesAtZero(InstrumentedTokenEncryptor.Operations, InstrumentedDirectoryStore.Operations);
            while (!stoppingToken.IsCancellationRequested)
            {
                var directory = _breakers.Directory.IsOpen ? Task.CompletedTask : CheckAsync(TelemetryNames.Directory, ct => _directory.CheckAsync(ct),
                    ex => ex is DirectoryException { Problem: { } problem } ? problem : DirectoryErrorTypes.Of(ex), stoppingToken);
                // A fault of the worker's own setup (a refused PIN, a missing key) names what to fix;
                // the pool does not log in again with a PIN file the token refused.
                var hsm = _breakers.Hsm.IsOpen ? Task.CompletedTask : CheckAsync(TelemetryNames.Hsm, ct => _encryptor.ProbeAsync(ct).AsTask(),
                    ex => ex is TokenEngineException engine ? engine.Problem : HsmErrorTypes.Of(ex), stoppingToken);
                await Task.WhenAll(directory, hsm).ConfigureAwait(false);
                await Task.Delay(_options.HealthCheckInterval, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = _lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
    }

    private async Task CheckAsync(string dependency, Func<CancellationToken, Task> check, Func<Exception, string> errorType, CancellationToken stoppingToken)
    {
        string? problem = null;
        Exception? failure = null;
        // Health checks are not request work: no spans for them (the SDK samples nothing inside this
        // scope); their durations still go to the dependency histograms.
        using (SuppressInstrumentationScope.Begin())
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(_options.HealthCheckTimeout);
            try
            {
                // Off this thread (the call may block synchronously), and WaitAsync as well: a check
                // that ignores cancellation must still end in time.
                if (!_running.TryGetValue(dependency, out var running) || running.IsCompleted)
                    _running[dependency] = running = Task.Run(() => check(timeout.Token), CancellationToken.None);
                await running.WaitAsync(_options.HealthCheckTimeout, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                failure = ex;
                problem = ex is TimeoutException or OperationCanceledException ? "timeout" : errorType(ex);
            }
        }

        var (known, previous) = _health.Record(dependency, problem);
        if (problem is not null && (!known || previous is null))
            HostingLog.HealthCheckFailed(_logger, dependency, problem, failure?.Message);
        else if (problem is null && known && previous is not null)
            HostingLog.HealthCheckRecovered(_logger, dependency);
    }
}
