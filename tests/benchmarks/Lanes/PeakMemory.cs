using System.Globalization;

namespace SharedSecretWorker.Benchmarks.Lanes;

/// <summary>
/// A process's peak resident set (VmHWM in /proc/PID/status, Linux), sampled while it runs: the
/// kernel keeps the high-water mark, so the last sample before the process ends is its peak.
/// </summary>
internal sealed class PeakMemory
{
    private const long KilobytesPerMegabyte = 1024;
    private long _peakKb;

    public int ProcessId { get; }

    public PeakMemory(int processId) => ProcessId = processId;

    /// <summary>The highest VmHWM seen, in MiB.</summary>
    public double PeakMegabytes => Interlocked.Read(ref _peakKb) / (double)KilobytesPerMegabyte;

    /// <summary>The resident set (VmRSS) of <paramref name="processId"/> now, in MiB; 0 once it is gone.</summary>
    public static double ResidentMegabytes(int processId) => ReadKilobytes(processId, "VmRSS:") / (double)KilobytesPerMegabyte;

    /// <summary>The anonymous part of the resident set (RssAnon: heaps, stacks; not mapped files), in MiB.</summary>
    public static double AnonymousMegabytes(int processId) => ReadKilobytes(processId, "RssAnon:") / (double)KilobytesPerMegabyte;

    private static long ReadKilobytes(int processId, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            // The process has ended.
        }
        return 0;
    }

    /// <summary>Reads VmHWM now; false when the process is gone.</summary>
    public bool Sample()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{ProcessId}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                if (kb > Interlocked.Read(ref _peakKb)) Interlocked.Exchange(ref _peakKb, kb);
                return true;
            }
        }
        catch (IOException)
        {
            // The process ended between two samples.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return false;
    }
}
