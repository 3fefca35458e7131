using System.Diagnostics;
using System.Globalization;
using SharedSecretWorker.Publishing.Messages;
using SharedSecretWorker.Tests.Fault.Infrastructure;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Benchmarks.Processing;

/// <summary>
/// The daemon (its own process, on the local stack) draining N enrollments that were queued
/// before it started: requests per second and the daemon's peak RSS.
/// <c>drain [N] [concurrency]</c>, defaults 5000 and the worker's default.
/// </summary>
internal sealed class DrainHarness : IHarness
{
    private const int DefaultRequests = 5000;
    private const int StackUsers = 2000;

    public string Name => "drain";

    public string Description => "daemon draining N queued enrollments: requests/s and peak RSS";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : DefaultRequests;
        var overrides = new Dictionary<string, string?>();
        if (args.Length > 1) overrides["Worker:MaxConcurrency"] = args[1];

        await using var observer = await WorkerUnderTest.ObserveAsync();
        var configuration = observer.Configuration(overrides);
        // First run declares the topology; then the batch is queued while no worker runs.
        using (var declare = WorkerProcess.Start(configuration))
        {
            await declare.WaitUntilConsumingAsync();
            declare.Terminate();
            await declare.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var ids = new List<string>(count);
        var publishing = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            ids.Add(await observer.EnrollAsync($"user{i % StackUsers + 1:D4}", batchId: "drain"));
        Console.WriteLine($"queued {count} enrollments in {publishing.Elapsed.TotalSeconds:F1} s");

        using var worker = WorkerProcess.Start(configuration);
        await worker.WaitUntilConsumingAsync();
        var clock = Stopwatch.StartNew();
        var peakRss = 0L;
        for (var i = 0; i < count; i++)
        {
            await observer.ResultAsync(ids[i], TimeSpan.FromMinutes(10));
            peakRss = Math.Max(peakRss, PeakRss(worker.Id));
        }
        var total = clock.Elapsed;
        var results = ids.Select(id => observer.ResultAsync(id).Result).ToList();
        var stored = results.Count(r => r.Status == ResultStatus.Stored);
        foreach (var failed in results.Where(r => r.Status != ResultStatus.Stored).Take(5))
            Console.WriteLine($"not stored: {failed.RequestId} {failed.Uid}: {failed.Status} {failed.Error?.Code} {failed.Error?.Message} (attempts {failed.Attempts})");
        peakRss = Math.Max(peakRss, PeakRss(worker.Id));
        worker.Terminate();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Console.WriteLine();
        Console.WriteLine($"| requests | stored | seconds | requests/s | daemon peak RSS |");
        Console.WriteLine($"| ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine($"| {count} | {stored} | {total.TotalSeconds:F1} | {count / total.TotalSeconds:F0} | {peakRss / 1024} MiB |");
        return stored == count ? 0 : 1;
    }

    /// <summary>VmHWM of a process, in KiB (0 once it is gone).</summary>
    internal static long PeakRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
