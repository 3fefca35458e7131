namespace SharedSecretWorker.Telemetry;

/// <summary>
/// The state a worker instance exposes to the observable gauges of <see cref="WorkerMetrics"/>
/// (in-flight jobs, circuit breakers, dependency health). The Meter is static and one per process,
/// so each host registers its state here while it runs (tests run several hosts in one process).
/// </summary>
/// <param name="InFlight">Jobs holding a slot now.</param>
/// <param name="Capacity">The concurrency limit.</param>
/// <param name="CircuitOpen">Per dependency: is its breaker open now.</param>
/// <param name="DependencyUp">Per dependency: did its last health check pass.</param>
internal sealed record ObservedWorker(
    Func<int> InFlight,
    int Capacity,
    Func<IEnumerable<KeyValuePair<string, bool>>> CircuitOpen,
    Func<IEnumerable<KeyValuePair<string, bool>>> DependencyUp);
