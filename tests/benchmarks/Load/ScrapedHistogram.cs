using System.Globalization;

namespace SharedSecretWorker.Benchmarks.Load;

/// <summary>
/// One histogram read from a Prometheus text scrape, summed over every label set that matches:
/// cumulative bucket counts, the sum and the count. Quantiles are interpolated inside a bucket the
/// way PromQL's histogram_quantile does, so they are as fine as the worker's bucket bounds.
/// </summary>
internal sealed class ScrapedHistogram
{
    private readonly SortedDictionary<double, double> _cumulative;

    private ScrapedHistogram(SortedDictionary<double, double> cumulative, double sum, double count)
    {
        _cumulative = cumulative;
        Sum = sum;
        Count = count;
    }

    public double Sum { get; }

    public double Count { get; }

    /// <summary>Mean observation (the histogram's unit), NaN when empty.</summary>
    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    /// <summary>
    /// Reads <paramref name="name"/> (the exported name without _bucket/_sum/_count) from
    /// <paramref name="scrape"/>, keeping series whose labels contain every one of <paramref name="labels"/> (k="v").
    /// </summary>
    public static ScrapedHistogram Read(string scrape, string name, params string[] labels)
    {
        var cumulative = new SortedDictionary<double, double>();
        double sum = 0, count = 0;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal)) continue;
            var space = line.LastIndexOf(' ');
            var series = line[..space];
            if (!labels.All(series.Contains)) continue;
            var value = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            var suffix = series.IndexOf('{') is var brace and >= 0 ? series[name.Length..brace] : series[name.Length..];
            switch (suffix)
            {
                case "_bucket":
                    var le = series[(series.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
                    le = le[..le.IndexOf('"')];
                    var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                    cumulative[bound] = cumulative.GetValueOrDefault(bound) + value;
                    break;
                case "_sum":
                    sum += value;
                    break;
                case "_count":
                    count += value;
                    break;
            }
        }
        return new ScrapedHistogram(cumulative, sum, count);
    }

    /// <summary>This histogram minus an earlier scrape of the same one (the observations in between).</summary>
    public ScrapedHistogram Since(ScrapedHistogram earlier)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var (bound, value) in _cumulative) buckets[bound] = value - earlier._cumulative.GetValueOrDefault(bound);
        return new ScrapedHistogram(buckets, Sum - earlier.Sum, Count - earlier.Count);
    }

    /// <summary>The q-quantile (0..1), linearly interpolated within its bucket; NaN when empty.</summary>
    public double Quantile(double q)
    {
        if (Count == 0) return double.NaN;
        var rank = q * Count;
        double lower = 0, below = 0;
        foreach (var (bound, cumulative) in _cumulative)
        {
            if (cumulative >= rank)
            {
                if (double.IsPositiveInfinity(bound)) return lower; // beyond the last finite bound: all PromQL can say
                var inBucket = cumulative - below;
                return inBucket == 0 ? bound : lower + (bound - lower) * (rank - below) / inBucket;
            }
            lower = bound;
            below = cumulative;
        }
        return lower;
    }
}
