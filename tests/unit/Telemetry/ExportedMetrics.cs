using System.Diagnostics.Metrics;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Tests.Unit.Telemetry;

/// <summary>
/// The worker's instruments, read from its Meter with a MeterListener, and their names as the
/// OpenTelemetry Prometheus exporter writes them: dots to underscores, the unit as a suffix
/// (<c>s</c> becomes <c>_seconds</c>, annotations such as <c>{request}</c> none), <c>_total</c> for
/// counters, <c>_bucket</c>/<c>_sum</c>/<c>_count</c> for histograms.
/// </summary>
internal static class ExportedMetrics
{
    public static IReadOnlyList<Instrument> Instruments()
    {
        var found = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == TelemetryNames.Source) lock (found) found.Add(instrument);
            },
        };
        _ = WorkerMetrics.Meter; // the static instruments exist once the type is initialised
        listener.Start();
        return found;
    }

    /// <summary>Metric family names (without histogram suffixes).</summary>
    public static IReadOnlyList<string> Families() => Instruments().Select(Family).ToList();

    /// <summary>Every series name the exporter writes.</summary>
    public static HashSet<string> PrometheusNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instrument in Instruments())
        {
            var family = Family(instrument);
            if (IsHistogram(instrument))
                foreach (var suffix in new[] { "_bucket", "_sum", "_count" }) names.Add(family + suffix);
            else names.Add(family);
        }
        return names;
    }

    /// <summary>Our attribute names as labels (they also start with shrtok_).</summary>
    public static HashSet<string> PrometheusLabelNames() =>
        [.. new[] { TelemetryNames.KindTag, TelemetryNames.OutcomeTag, TelemetryNames.DependencyTag, TelemetryNames.OperationTag, TelemetryNames.LaneTag }
            .Select(n => n.Replace('.', '_'))];

    public static string Family(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        if (instrument.Unit == "s") name += "_seconds";
        if (IsCounter(instrument)) name += "_total";
        return name;
    }

    public static bool IsHistogram(Instrument instrument) => instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);

    public static bool IsCounter(Instrument instrument) => instrument.GetType().Name is "Counter`1" or "ObservableCounter`1";
}
