using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Broker;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Hosting;

/// <summary>
/// Liveness and readiness of the worker. Live: the process works and no job is stuck (a job older
/// than Telemetry:StuckJobThreshold is a call that will never return; restarting helps), and fewer
/// LDAP calls are stuck in libldap than the pool can work around (<see cref="IDirectoryStore.AbandonedLimit"/>:
/// a restart is the only way to end them). Ready:
/// the broker connection is open and both lanes consume, the last directory check (bind and
/// bases) and HSM check (session, login, a throw-away token) passed, and no circuit breaker is open.
/// </summary>
internal sealed class WorkerHealth
{
    private readonly BrokerConnection _broker;
    private readonly MessagePump _consumer;
    private readonly Breakers _breakers;
    private readonly RunningJobs _jobs;
    private readonly IDirectoryStore _directory;
    private readonly TelemetryOptions _options;
    private readonly IHostApplicationLifetime _lifetime;

    // dependency -> null when its last check passed, else its error type; absent until checked.
    private readonly ConcurrentDictionary<string, string?> _checks = new(StringComparer.Ordinal);

    public WorkerHealth(BrokerConnection broker, MessagePump consumer, Breakers breakers, RunningJobs jobs, IDirectoryStore directory,
        IOptions<TelemetryOptions> options, IHostApplicationLifetime lifetime)
    {
        _directory = directory;
        _broker = broker;
        _consumer = consumer;
        _breakers = breakers;
        _jobs = jobs;
        _options = options.Value;
        _lifetime = lifetime;
    }

    /// <summary>Records the result of an active check of <paramref name="dependency"/>; returns the previous result.</summary>
    public (bool Known, string? Problem) Record(string dependency, string? problem)
    {
        var known = _checks.TryGetValue(dependency, out var previous);
        _checks[dependency] = problem;
        return (known, previous);
    }

    public HealthReport Liveness()
    {
        var problems = new List<string>();
        var oldest = _jobs.OldestAge;
        if (oldest > _options.StuckJobThreshold)
            problems.Add($"stuck: a job has been running for {oldest:g} (Telemetry:StuckJobThreshold {_options.StuckJobThreshold:g})");
        var abandoned = _directory.AbandonedCalls;
        if (abandoned >= _directory.AbandonedLimit)
            problems.Add($"stuck: {abandoned} LDAP calls abandoned after Directory:OperationTimeout have not returned (limit {_directory.AbandonedLimit}); only a restart ends them");
        return new HealthReport(problems);
    }

    public HealthReport Readiness()
    {
        var problems = new List<string>();
        if (_lifetime.ApplicationStopping.IsCancellationRequested) problems.Add("stopping");
        if (!_broker.IsOpen) problems.Add("broker: not connected");
        if (!_consumer.IsConsuming) problems.Add(_consumer.PausedFor is { } why ? $"broker: not consuming ({why})" : "broker: not consuming");
        if (_directory.AbandonedCalls is > 0 and var abandoned)
            problems.Add($"directory: {abandoned} LDAP call(s) abandoned after Directory:OperationTimeout still running (their entries stay held until they end)");
        AddDependency(problems, TelemetryNames.Directory, _breakers.Directory);
        AddDependency(problems, TelemetryNames.Hsm, _breakers.Hsm);
        problems.AddRange(Liveness().Problems);
        return new HealthReport(problems);
    }

    /// <summary>Per dependency, whether it is up now (the <c>shrtok.dependency.up</c> gauge).</summary>
    public IEnumerable<KeyValuePair<string, bool>> DependencyStates()
    {
        yield return new(TelemetryNames.Broker, _broker.IsOpen);
        yield return new(TelemetryNames.Directory, IsUp(TelemetryNames.Directory, _breakers.Directory));
        yield return new(TelemetryNames.Hsm, IsUp(TelemetryNames.Hsm, _breakers.Hsm));
    }

    private bool IsUp(string dependency, CircuitBreaker breaker) =>
        _checks.TryGetValue(dependency, out var problem) && problem is null && !breaker.IsOpen;

    private void AddDependency(List<string> problems, string dependency, CircuitBreaker breaker)
    {
        if (!_checks.TryGetValue(dependency, out var problem)) problems.Add($"{dependency}: not checked yet");
        else if (problem is not null) problems.Add($"{dependency}: check failed ({problem})");
        // A fault of the worker's own setup says what to fix (the breaker keeps requests queued meanwhile).
        if (breaker.Fault is { } fault) problems.Add($"{dependency}: {fault} (circuit breaker open)");
        else if (breaker.IsOpen) problems.Add($"{dependency}: circuit breaker open");
    }
}
