using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SharedSecretWorker.Telemetry;

/// <summary>The worker's Meter and instruments. Never a uid, serial, batch id or secret as a tag (cardinality and privacy).</summary>
public static class WorkerMetrics
{
    /// <summary>The one Meter of the worker.</summary>
    public static readonly Meter Meter = new(TelemetryNames.Source);

    private static readonly Counter<long> ProcessedCounter =
        Meter.CreateCounter<long>(TelemetryNames.Processed, "{message}", "Requests finished, by kind and outcome.");

    private static readonly Histogram<double> ProcessingHistogram =
        Meter.CreateHistogram<double>(TelemetryNames.ProcessingDuration, "s", "Time to process one attempt of a request.");

    private static readonly Histogram<double> LagHistogram =
        Meter.CreateHistogram<double>(TelemetryNames.EndToEndLag, "s", "Time from the producer's publish to settlement.");

    private static readonly Counter<long> RetryCounter =
        Meter.CreateCounter<long>(TelemetryNames.Retries, "{message}", "Requests sent to a retry queue.");

    private static readonly Counter<long> DeadLetterCounter =
        Meter.CreateCounter<long>(TelemetryNames.DeadLetters, "{message}", "Requests dead-lettered.");

    private static readonly Counter<long> RecoveryCounter =
        Meter.CreateCounter<long>(TelemetryNames.ConnectionRecoveries, "{recovery}", "Broker connection recoveries.");

    private static readonly Histogram<double> ConfirmHistogram =
        Meter.CreateHistogram<double>(TelemetryNames.ConfirmDuration, "s", "Time from publish to the broker's confirm.");

    private static readonly UpDownCounter<int> CircuitCounter =
        Meter.CreateUpDownCounter<int>(TelemetryNames.CircuitOpen, "{breaker}", "1 while a dependency's circuit breaker is open.");

    public static void Processed(string kind, string outcome, double seconds)
    {
        var tags = new TagList { { TelemetryNames.KindTag, kind }, { TelemetryNames.OutcomeTag, outcome } };
        ProcessedCounter.Add(1, tags);
        ProcessingHistogram.Record(seconds, tags);
    }

    public static void Lag(string kind, double seconds) => LagHistogram.Record(seconds, new KeyValuePair<string, object?>(TelemetryNames.KindTag, kind));

    public static void Retried(string kind) => RetryCounter.Add(1, new KeyValuePair<string, object?>(TelemetryNames.KindTag, kind));

    public static void DeadLettered(string kind, string code) =>
        DeadLetterCounter.Add(1, new TagList { { TelemetryNames.KindTag, kind }, { TelemetryNames.OutcomeTag, code } });

    public static void ConnectionRecovered() => RecoveryCounter.Add(1);

    public static void Confirmed(double seconds) => ConfirmHistogram.Record(seconds);

    public static void CircuitStateChanged(string dependency, bool open) =>
        CircuitCounter.Add(open ? 1 : -1, new KeyValuePair<string, object?>(TelemetryNames.DependencyTag, dependency));
}
