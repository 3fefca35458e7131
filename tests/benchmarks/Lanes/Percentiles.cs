using System.Globalization;

namespace SharedSecretWorker.Benchmarks.Lanes;

/// <summary>Nearest-rank percentiles of latencies, in milliseconds.</summary>
internal sealed class Percentiles
{
    private readonly double[] _sorted;

    public Percentiles(IEnumerable<TimeSpan> samples) => _sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();

    public int Count => _sorted.Length;

    /// <summary>The <paramref name="p"/>-th percentile (0 &lt; p &lt;= 100), nearest rank.</summary>
    public double At(double p) => _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(p / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public string Row(string label) => string.Create(CultureInfo.InvariantCulture,
        $"{label,-28} {Count,6} {At(50),9:0.0} {At(95),9:0.0} {At(99),9:0.0} {Max,9:0.0}");

    public static string Header => $"{"interactive enrollments",-28} {"n",6} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}";
}
