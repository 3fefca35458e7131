using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Telemetry;

/// <summary>
/// The worker's one Meter and its instruments. Tags are bounded sets only (kind, outcome code,
/// dependency, operation, error type): never a uid, serial, request or batch id (cardinality),
/// never a secret.
/// </summary>
public static class WorkerMetrics
{
    /// <summary>The one Meter of the worker.</summary>
    public static readonly Meter Meter = new(TelemetryNames.Source, typeof(WorkerMetrics).Assembly.GetName().Version?.ToString());

    private static readonly ConcurrentDictionary<ObservedWorker, byte> Observed = new();

    private static readonly Counter<long> ProcessedCounter =
        Meter.CreateCounter<long>(TelemetryNames.Processed, "{request}", "Request attempts finished, by kind and outcome.");

    private static readonly Histogram<double> ProcessingHistogram = Meter.CreateHistogram(TelemetryNames.ProcessingDuration, "s",
        "Time from taking a delivery to settling it (one attempt).", advice: Advice(HistogramBuckets.Processing));

    private static readonly Histogram<double> LagHistogram = Meter.CreateHistogram(TelemetryNames.EndToEndLag, "s",
        "Time from the producer's publish to the final settlement.", advice: Advice(HistogramBuckets.Lag));

    private static readonly Counter<long> RetryCounter =
        Meter.CreateCounter<long>(TelemetryNames.Retries, "{request}", "Requests sent to a retry queue.");

    private static readonly Counter<long> DeadLetterCounter =
        Meter.CreateCounter<long>(TelemetryNames.DeadLetters, "{request}", "Requests dead-lettered.");

    private static readonly Histogram<double> HsmHistogram = Meter.CreateHistogram(TelemetryNames.HsmDuration, "s",
        "Duration of one token engine (HSM) call.", advice: Advice(HistogramBuckets.Dependency));

    private static readonly Counter<long> HsmErrorCounter =
        Meter.CreateCounter<long>(TelemetryNames.HsmErrors, "{error}", "Token engine (HSM) calls that failed.");

    private static readonly Histogram<double> DirectoryHistogram = Meter.CreateHistogram(TelemetryNames.DirectoryDuration, "s",
        "Duration of one directory store operation.", advice: Advice(HistogramBuckets.Dependency));

    private static readonly Counter<long> DirectoryErrorCounter =
        Meter.CreateCounter<long>(TelemetryNames.DirectoryErrors, "{error}", "Directory operations that failed.");

    private static readonly Histogram<double> ConfirmHistogram = Meter.CreateHistogram(TelemetryNames.ConfirmDuration, "s",
        "Time from publish to the broker's confirm.", advice: Advice(HistogramBuckets.Dependency));

    private static readonly Counter<long> RecoveryCounter =
        Meter.CreateCounter<long>(TelemetryNames.ConnectionRecoveries, "{recovery}", "Automatic recoveries of the broker connection.");

    // Observable instruments read the registered workers' state at collection time; they are kept
    // in fields so that the analyzers see them used (the Meter holds them anyway).
    private static readonly ObservableGauge<int> InFlightGauge = Meter.CreateObservableGauge(TelemetryNames.InFlight,
        () => Sum(w => w.InFlight()), "{request}", "Jobs holding a concurrency slot.");

    private static readonly ObservableGauge<int> InFlightLimitGauge = Meter.CreateObservableGauge(TelemetryNames.InFlightLimit,
        () => Sum(w => w.Capacity), "{request}", "The concurrency limit (Worker:MaxConcurrency).");

    private static readonly ObservableGauge<int> CircuitGauge = Meter.CreateObservableGauge(TelemetryNames.CircuitState,
        () => PerDependency(w => w.CircuitOpen(), anyTrue: true), "{state}", "1 while the dependency's circuit breaker is open.");

    private static readonly ObservableGauge<int> DependencyGauge = Meter.CreateObservableGauge(TelemetryNames.DependencyUp,
        () => PerDependency(w => w.DependencyUp(), anyTrue: false), "{state}", "1 while the dependency's last health check passed.");

    private static TokenCensusCounts? _census;

    private static readonly ObservableGauge<int> TokensOutstandingGauge = Meter.CreateObservableGauge(TelemetryNames.TokensOutstanding,
        () => PerKind(c => (c.Enrollment, c.Revocation)), "{token}", "Tokens now in the directory, as last counted.");

    private static readonly ObservableGauge<int> TokensOverdueGauge = Meter.CreateObservableGauge(TelemetryNames.TokensOverdue,
        () => PerKind(c => (c.EnrollmentOverdue, c.RevocationOverdue)), "{token}", "Tokens still in the directory after their expiry.");

    private static readonly ObservableGauge<int> TokensUnrecordedGauge = Meter.CreateObservableGauge(TelemetryNames.TokensUnrecorded,
        () => PerKind(c => (c.EnrollmentUnrecorded, c.RevocationUnrecorded)), "{token}", "Tokens with no record of issue: they never expire.");

    /// <summary>The observable instruments (for tests and to keep them referenced).</summary>
    internal static IReadOnlyList<Instrument> Observables =>
        [InFlightGauge, InFlightLimitGauge, CircuitGauge, DependencyGauge, TokensOutstandingGauge, TokensOverdueGauge, TokensUnrecordedGauge];

    /// <summary>The latest count of outstanding tokens; the gauges report it until the next (none before the first).</summary>
    public static void TokenCensus(TokenCensusCounts counts) => Volatile.Write(ref _census, counts);

    private static IEnumerable<Measurement<int>> PerKind(Func<TokenCensusCounts, (int Enrollment, int Revocation)> select)
    {
        if (Volatile.Read(ref _census) is not { } census) yield break;
        var (enrollment, revocation) = select(census);
        yield return new Measurement<int>(enrollment, new KeyValuePair<string, object?>(TelemetryNames.KindTag, "enrollment"));
        yield return new Measurement<int>(revocation, new KeyValuePair<string, object?>(TelemetryNames.KindTag, "revocation"));
    }

    /// <summary>One attempt settled.</summary>
    public static void Processed(string kind, string outcome, double seconds)
    {
        var tags = new TagList { { TelemetryNames.KindTag, kind }, { TelemetryNames.OutcomeTag, outcome } };
        ProcessedCounter.Add(1, tags);
        ProcessingHistogram.Record(seconds, tags);
    }

    /// <summary>End-to-end lag of a request at its final settlement, by kind and lane (the lanes have different expectations).</summary>
    public static void Lag(string kind, string lane, double seconds) =>
        LagHistogram.Record(seconds, new TagList { { TelemetryNames.KindTag, kind }, { TelemetryNames.LaneTag, lane } });

    /// <summary>A request went to a retry queue after failing with <paramref name="code"/>.</summary>
    public static void Retried(string kind, string code) =>
        RetryCounter.Add(1, new TagList { { TelemetryNames.KindTag, kind }, { TelemetryNames.OutcomeTag, code } });

    /// <summary>A request was dead-lettered with <paramref name="code"/>.</summary>
    public static void DeadLettered(string kind, string code) =>
        DeadLetterCounter.Add(1, new TagList { { TelemetryNames.KindTag, kind }, { TelemetryNames.OutcomeTag, code } });

    /// <summary>One token engine call; <paramref name="errorType"/> null when it succeeded.</summary>
    public static void HsmOperation(string operation, double seconds, string? errorType) =>
        RecordDependency(HsmHistogram, HsmErrorCounter, operation, seconds, errorType);

    /// <summary>One directory store operation; <paramref name="errorType"/> null when it succeeded.</summary>
    public static void DirectoryOperation(string operation, double seconds, string? errorType) =>
        RecordDependency(DirectoryHistogram, DirectoryErrorCounter, operation, seconds, errorType);

    /// <summary>The broker confirmed a publish after <paramref name="seconds"/>.</summary>
    public static void Confirmed(double seconds) => ConfirmHistogram.Record(seconds);

    /// <summary>The broker connection recovered.</summary>
    public static void ConnectionRecovered() => RecoveryCounter.Add(1);

    /// <summary>
    /// Starts the counters that alerts take <c>increase()</c> of at zero (Prometheus instrumentation
    /// practice, "avoid missing metrics"): a series that first appears at 1 shows no increase, so the
    /// first dead letter or HSM outage would not alert. Call once the MeterProvider listens
    /// (measurements before that are dropped); adding zero again is harmless.
    /// </summary>
    /// <param name="hsmOperations">The token engine's operation names (its instrumented decorator's).</param>
    /// <param name="directoryOperations">The directory's operation names (its instrumented decorator's).</param>
    internal static void StartSeriesAtZero(IEnumerable<string> hsmOperations, IEnumerable<string> directoryOperations)
    {
        foreach (var kind in Enum.GetValues<RequestKind>())
        {
            var tag = new KeyValuePair<string, object?>(TelemetryNames.KindTag, kind.ToWireName());
            RetryCounter.Add(0, tag);
            DeadLetterCounter.Add(0, tag);
        }
        foreach (var operation in hsmOperations)
            HsmErrorCounter.Add(0, new TagList { { TelemetryNames.OperationTag, operation }, { TelemetryNames.ErrorType, DependencyErrors.HsmUnavailable } });
        foreach (var operation in directoryOperations)
            DirectoryErrorCounter.Add(0, new TagList { { TelemetryNames.OperationTag, operation }, { TelemetryNames.ErrorType, DependencyErrors.DirectoryUnavailable } });
        RecoveryCounter.Add(0);
    }

    /// <summary>Exposes <paramref name="worker"/> to the gauges until the result is disposed.</summary>
    internal static IDisposable Observe(ObservedWorker worker)
    {
        Observed.TryAdd(worker, 0);
        return new Registration(worker);
    }

    private static void RecordDependency(Histogram<double> histogram, Counter<long> errors, string operation, double seconds, string? errorType)
    {
        var tags = new TagList { { TelemetryNames.OperationTag, operation } };
        if (errorType is not null)
        {
            tags.Add(TelemetryNames.ErrorType, errorType);
            errors.Add(1, tags);
        }
        histogram.Record(seconds, tags);
    }

    private static IEnumerable<Measurement<int>> Sum(Func<ObservedWorker, int> value)
    {
        // No registered worker: no data point rather than a misleading zero.
        if (Observed.IsEmpty) yield break;
        yield return new Measurement<int>(Observed.Keys.Sum(value));
    }

    /// <summary>One point per dependency: open if any worker's breaker is open; up only if every worker's check passed.</summary>
    private static IEnumerable<Measurement<int>> PerDependency(Func<ObservedWorker, IEnumerable<KeyValuePair<string, bool>>> states, bool anyTrue)
    {
        var byDependency = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var worker in Observed.Keys)
        {
            foreach (var (dependency, state) in states(worker))
                byDependency[dependency] = byDependency.TryGetValue(dependency, out var seen) ? (anyTrue ? seen || state : seen && state) : state;
        }
        foreach (var (dependency, state) in byDependency)
            yield return new Measurement<int>(state ? 1 : 0, new KeyValuePair<string, object?>(TelemetryNames.DependencyTag, dependency));
    }

    private static InstrumentAdvice<double> Advice(double[] buckets) => new() { HistogramBucketBoundaries = buckets };

    private sealed class Registration(ObservedWorker worker) : IDisposable
    {
        public void Dispose() => Observed.TryRemove(worker, out _);
    }
}
