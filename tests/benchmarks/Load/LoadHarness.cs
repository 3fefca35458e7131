using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SharedSecretWorker.Benchmarks.Directory;
using SharedSecretWorker.Benchmarks.Lanes;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Benchmarks.Load;

/// <summary>
/// Issue 8's load table, in one run on the local stack:
/// (a) the directory's own write ceiling: parallel ldapmodify streams replacing shrTok;
/// (b) the daemon (its own process) draining N queued enrollments: requests/s, p50/p99 per job
///     from its own processing histogram, and where a job's time goes (HSM, LDAP, confirms);
/// (c) M users done the manual way (one process per token, one ldapmodify per user);
/// and the daemon's resident memory after the first N requests and after all of TOTAL.
/// </summary>
internal sealed class LoadHarness : IHarness
{
    private const int DefaultRequests = 10_000;
    private const int DefaultTotal = 100_000;
    private const int DefaultManualUsers = 20;
    private const int PublishWindow = 512;
    private const double MemoryTolerance = 0.20;
    private const double TargetRatio = 0.8;
    private static readonly int[] DefaultStreams = [4, 8];
    private static readonly TimeSpan ResultTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private const int MemoryReadings = 10;
    /// <summary>Requests/s below which the run is given up (on top of ResultTimeout).</summary>
    private const double MinimumRate = 20;

    public string Name => "load";

    public string Description => "issue 8's table: directory ceiling, daemon drain (p50/p99, where time goes), manual way, RSS at N and TOTAL " +
        "(args: [--requests 10000] [--total 100000] [--streams 4,8] [--manual 20] [--set Key=Value]...)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var requests = DefaultRequests;
        var total = DefaultTotal;
        var manualUsers = DefaultManualUsers;
        var streams = DefaultStreams;
        var overrides = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--requests" when i + 1 < args.Length: requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--total" when i + 1 < args.Length: total = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--manual" when i + 1 < args.Length: manualUsers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--streams" when i + 1 < args.Length: streams = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--set" when i + 1 < args.Length && args[i + 1].Contains('=', StringComparison.Ordinal):
                    var pair = args[++i].Split('=', 2);
                    overrides[pair[0]] = pair[1];
                    break;
                default:
                    Console.Error.WriteLine($"load: unknown or incomplete argument '{args[i]}'. {Description}");
                    return 2;
            }
        }
        total = Math.Max(total, requests);

        var stack = StackEnvironment.Load(null);
        var work = Path.Combine(Path.GetTempPath(), "shrtok-load-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(work);
        try
        {
            var daemon = await RunDaemonAsync(requests, total, overrides, cancellationToken);
            // After the daemon: every person has objectClass extensibleObject by now (the worker adds it
            // on first write), which ldapmodify's plain "replace: shrTok" needs.
            var ceiling = await RunCeilingAsync(stack, work, requests, streams, cancellationToken);
            var manual = await ManualWay.RunAsync(stack, ShrtokDll(), work, manualUsers, cancellationToken);

            var manualPercentiles = new Percentiles(manual);
            var manualRate = manual.Count / manual.Sum(t => t.TotalSeconds);
            var ratio = daemon.Rate / ceiling.Rate;
            var growth = daemon.RssAtTotal / daemon.RssAtRequests - 1;
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: {Environment.ProcessorCount} CPUs, load average {LoadAverage()}"));
            Console.WriteLine();
            Console.WriteLine("| measure | per second | p50 ms per job | p99 ms per job | note |");
            Console.WriteLine("|---|---:|---:|---:|---|");
            Console.WriteLine(Row($"(a) directory ceiling, {ceiling.Streams} ldapmodify streams", ceiling.Rate, double.NaN, double.NaN,
                string.Join(", ", ceiling.All.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Streams} streams {c.Rate:0}/s")))
                + string.Create(CultureInfo.InvariantCulture, $"; directory CPU {ceiling.DirectoryCpuMs:0.00} ms per write")));
            Console.WriteLine(Row($"(b) daemon, {requests:N0} queued enrollments", daemon.Rate, daemon.P50 * 1000, daemon.P99 * 1000,
                string.Create(CultureInfo.InvariantCulture, $"ratio to (a) {ratio:0.00} (target {TargetRatio}); directory CPU {daemon.DirectoryCpuMs:0.00} ms per job; peak RSS {daemon.PeakRss:0} MiB")));
            if (!double.IsNaN(daemon.RestRate))
                Console.WriteLine(Row($"(b') daemon, requests {requests + 1:N0}..{total:N0}: re-issues to the same people", daemon.RestRate, double.NaN, double.NaN,
                    string.Create(CultureInfo.InvariantCulture, $"directory CPU {daemon.RestDirectoryCpuMs:0.00} ms per job")));
            Console.WriteLine(Row($"(c) manual way, {manual.Count} users", manualRate, manualPercentiles.At(50), manualPercentiles.At(99),
                "one token process + one ldapmodify per user"));
            Console.WriteLine();
            // What the ratio would be where the directory has its own machine and is the only limit:
            // the directory's CPU per write in (a) over its CPU per job in (b).
            var reissues = double.IsNaN(daemon.RestDirectoryCpuMs)
                ? ""
                : string.Create(CultureInfo.InvariantCulture, $", {ceiling.DirectoryCpuMs / daemon.RestDirectoryCpuMs:0.00} for re-issues");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Directory-bound ratio (directory CPU per write in (a) / per job in (b)): {ceiling.DirectoryCpuMs / daemon.DirectoryCpuMs:0.00} for first enrollments{reissues}"));
            Console.WriteLine();
            Console.WriteLine("| daemon memory | RSS MiB |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| after {requests:N0} requests | {daemon.RssAtRequests:0.0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| after {total:N0} requests | {daemon.RssAtTotal:0.0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| growth | {growth:+0.0%;-0.0%} (limit {MemoryTolerance:0%}) |"));
            Console.WriteLine();
            Console.WriteLine("Where a job's time goes (means over the first " + requests.ToString("N0", CultureInfo.InvariantCulture) + " requests, from the daemon's histograms):");
            foreach (var line in daemon.Breakdown) Console.WriteLine("  " + line);
            return daemon.Failed == 0 ? 0 : 1;
        }
        finally
        {
            System.IO.Directory.Delete(work, recursive: true);
        }
    }

    private static string Row(string measure, double rate, double p50, double p99, string note) =>
        string.Create(CultureInfo.InvariantCulture, $"| {measure} | {rate:0.0} | {Ms(p50)} | {Ms(p99)} | {note} |");

    private static string Ms(double value) => double.IsNaN(value) ? "" : value.ToString("0.0", CultureInfo.InvariantCulture);

    private sealed record DaemonRun(double Rate, double RestRate, double P50, double P99, double PeakRss, double RssAtRequests, double RssAtTotal,
        double DirectoryCpuMs, double RestDirectoryCpuMs, int Failed, List<string> Breakdown);

    private static async Task<DaemonRun> RunDaemonAsync(int requests, int total, Dictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        // Bulk onboarding enrolls each person once: the first N requests go to N distinct people
        // (laneNNNNN, added where missing), so each needs the CA's search; the rest of TOTAL cycle
        // over them again (re-issues), which is what the memory phase needs.
        var added = await LanePeople.EnsureAsync(StackEnvironment.Load(), requests, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: people {LanePeople.Uid(1)}..{LanePeople.Uid(requests)} ({added} added now)"));

        await using var observer = await WorkerUnderTest.ObserveAsync();
        var port = FreePort.Next();
        var metricsUrl = $"http://127.0.0.1:{port}/metrics";
        overrides["Telemetry:PrometheusEndpoint"] = metricsUrl;
        var configuration = observer.Configuration(overrides);
        // A first run declares the topology; then the whole load is queued while no worker runs.
        using (var declare = WorkerProcess.Start(configuration))
        {
            await declare.WaitUntilConsumingAsync();
            declare.Terminate();
            await declare.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var ids = new string[total];
        var queueing = Stopwatch.StartNew();
        var window = new List<Task>(PublishWindow);
        for (var i = 0; i < total; i++)
        {
            var index = i;
            window.Add(Task.Run(async () => ids[index] = await observer.EnrollAsync(LanePeople.Uid(index % requests + 1), batchId: "load"), cancellationToken));
            if (window.Count == PublishWindow) { await Task.WhenAll(window); window.Clear(); }
        }
        await Task.WhenAll(window);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: queued {total:N0} enrollments in {queueing.Elapsed.TotalSeconds:0.0} s"));

        using var worker = WorkerProcess.Start(configuration);
        var memory = new PeakMemory(worker.Id);
        using var http = new HttpClient();
        await worker.WaitUntilConsumingAsync();
        var before = await http.GetStringAsync(metricsUrl, cancellationToken);
        var cpu = new Dictionary<string, int>
        {
            ["worker"] = worker.Id,
            ["broker (beam.smp)"] = CpuTime.Find("beam.smp") ?? 0,
            [DirectoryProcess] = CpuTime.Find("ns-slapd") ?? 0,
            ["this harness"] = Environment.ProcessId,
        };
        var cpuBefore = cpu.ToDictionary(p => p.Key, p => CpuTime.Seconds(p.Value));
        var cpuAtRequests = cpuBefore;
        var clock = Stopwatch.StartNew();

        // Results arrive in any order (retries come back later): count them, and take the readings
        // when the count crosses N and every further tenth of TOTAL.
        double rssAtRequests = 0;
        var doneAtRequests = requests;
        TimeSpan atRequests = default;
        var atRequestsScrape = "";
        var step = Math.Max(requests, total / MemoryReadings);
        var nextReading = requests;
        var deadline = DateTime.UtcNow + ResultTimeout + TimeSpan.FromSeconds(total / MinimumRate);
        while (true)
        {
            var done = observer.Results.Count;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {done} of {total} results after {clock.Elapsed}");
            memory.Sample();
            if (done >= nextReading && nextReading <= total)
            {
                var scrape = await http.GetStringAsync(metricsUrl, cancellationToken);
                var rss = PeakMemory.ResidentMegabytes(worker.Id);
                if (nextReading == requests)
                {
                    atRequests = clock.Elapsed;
                    doneAtRequests = done;
                    atRequestsScrape = scrape;
                    rssAtRequests = rss;
                    cpuAtRequests = cpu.ToDictionary(p => p.Key, p => CpuTime.Seconds(p.Value));
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"load: {done:N0} done in {clock.Elapsed.TotalSeconds:0.0} s, RSS {rss:0.0} MiB (anonymous {PeakMemory.AnonymousMegabytes(worker.Id):0.0}), GC heap {HeapMegabytes(scrape):0.0} MiB"));
                nextReading += step;
            }
            if (done >= total) break;
            await Task.Delay(PollInterval, cancellationToken);
        }
        var all = clock.Elapsed;
        var directoryCpuAtTotal = CpuTime.Seconds(cpu[DirectoryProcess]);
        var finalScrape = await http.GetStringAsync(metricsUrl, cancellationToken);
        var rssAtTotal = PeakMemory.ResidentMegabytes(worker.Id);
        memory.Sample();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {total:N0} done in {all.TotalSeconds:0.0} s, RSS {rssAtTotal:0.0} MiB (anonymous {PeakMemory.AnonymousMegabytes(worker.Id):0.0}), GC heap {HeapMegabytes(finalScrape):0.0} MiB"));
        var failed = 0;
        foreach (var id in ids)
        {
            var result = await observer.ResultAsync(id);
            if (result.Status == ResultStatus.Stored) continue;
            if (failed++ < 5) Console.WriteLine($"not stored: {result.RequestId} {result.Uid}: {result.Status} {result.Error?.Code} {result.Error?.Message} (attempts {result.Attempts})");
        }
        var retried = observer.Results.Count(r => r.Attempts > 1);
        if (retried > 0) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: {retried} requests needed more than one attempt"));
        worker.Terminate();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var processing = ScrapedHistogram.Read(atRequestsScrape, ProcessingMetric).Since(ScrapedHistogram.Read(before, ProcessingMetric));
        // Everything "per job" is divided by the results counted at that reading (a few past N).
        var breakdown = Breakdown(before, atRequestsScrape, doneAtRequests);
        var directoryCpuMs = (cpuAtRequests[DirectoryProcess] - cpuBefore[DirectoryProcess]) * 1000 / doneAtRequests;
        foreach (var (name, _) in cpu)
        {
            var seconds = cpuAtRequests[name] - cpuBefore[name];
            breakdown.Add(string.Create(CultureInfo.InvariantCulture,
                $"{"CPU " + name,-48} {seconds * 1000 / doneAtRequests,7:0.00} ms per job ({seconds / atRequests.TotalSeconds:0.00} cores)"));
        }
        var rest = total - doneAtRequests;
        var restRate = rest > 0 ? rest / (all - atRequests).TotalSeconds : double.NaN;
        var restDirectoryCpuMs = rest > 0 ? (directoryCpuAtTotal - cpuAtRequests[DirectoryProcess]) * 1000 / rest : double.NaN;
        return new DaemonRun(doneAtRequests / atRequests.TotalSeconds, restRate, processing.Quantile(0.5), processing.Quantile(0.99),
            memory.PeakMegabytes, rssAtRequests, rssAtTotal, directoryCpuMs, restDirectoryCpuMs, failed, breakdown);
    }

    /// <summary>The managed heap after the last collection (the runtime's System.Runtime meter), in MiB.</summary>
    private static double HeapMegabytes(string scrape) =>
        scrape.Split('\n')
            .Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)) / (1024 * 1024);

    private const string DirectoryProcess = "directory (ns-slapd)";

    private const string ProcessingMetric = "shrtok_request_processing_duration_seconds";

    private static readonly string[] DependencyMetrics =
    [
        "shrtok_hsm_operation_duration_seconds",
        "shrtok_directory_operation_duration_seconds",
        "shrtok_broker_confirm_duration_seconds",
    ];

    /// <summary>Mean per job of the whole job and of each dependency operation, between two scrapes.</summary>
    private static List<string> Breakdown(string before, string after, int jobs)
    {
        var lines = new List<string>();
        var processing = ScrapedHistogram.Read(after, ProcessingMetric).Since(ScrapedHistogram.Read(before, ProcessingMetric));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{"whole job",-48} {processing.Mean * 1000,7:0.00} ms"));
        foreach (var metric in DependencyMetrics)
        {
            var operations = after.Split('\n')
                .Where(l => l.StartsWith(metric + "_count{", StringComparison.Ordinal))
                .Select(l => Label(l, "shrtok_operation"))
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (operations.Count == 0) operations.Add(""); // one series without an operation label (confirms)
            foreach (var operation in operations)
            {
                string[] label = operation.Length == 0 ? [] : [$"shrtok_operation=\"{operation}\""];
                var h = ScrapedHistogram.Read(after, metric, label).Since(ScrapedHistogram.Read(before, metric, label));
                if (h.Count == 0) continue;
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{metric.Replace("_duration_seconds", "", StringComparison.Ordinal) + " " + operation,-48} {h.Mean * 1000,7:0.00} ms × {h.Count / jobs:0.00} per job (p99 {h.Quantile(0.99) * 1000:0.0} ms)"));
            }
        }
        return lines;
    }

    private static string? Label(string line, string name)
    {
        var at = line.IndexOf(name + "=\"", StringComparison.Ordinal);
        if (at < 0) return null;
        var value = line[(at + name.Length + 2)..];
        return value[..value.IndexOf('"')];
    }

    private sealed record Ceiling(int Streams, double Rate, double DirectoryCpuMs, List<(int Streams, double Rate)> All);

    private static async Task<Ceiling> RunCeilingAsync(StackEnvironment stack, string work, int writes, int[] streams, CancellationToken cancellationToken)
    {
        // Tokens of a real token's size (RSA-3072 wrap), so that the server writes what it will in production.
        var encryptor = new SoftwareTokenEncryptor(IssuanceProtectionKey.FromFile(stack.Get("STACK_ISSUANCE_PROTECTION_CERT"), "issuance protection certificate"), KeyWrap.Pkcs1);
        var size = Convert.FromBase64String(await encryptor.EncryptAsync("sample"u8.ToArray(), cancellationToken)).Length;
        var records = Enumerable.Range(0, writes)
            .Select(i => LdapModifyStreams.Record($"uid={LanePeople.Uid(i + 1)},{stack.Get("STACK_PEOPLE_BASE")}", Convert.ToBase64String(RandomNumberGenerator.GetBytes(size))))
            .ToList();
        var all = new List<(int Streams, double Rate, double CpuMs)>();
        var directory = CpuTime.Find("ns-slapd") ?? 0;
        foreach (var n in streams)
        {
            var cpu = CpuTime.Seconds(directory);
            var elapsed = await LdapModifyStreams.RunAsync(stack, work, records, n, cancellationToken);
            var cpuMs = (CpuTime.Seconds(directory) - cpu) * 1000 / writes;
            all.Add((n, writes / elapsed.TotalSeconds, cpuMs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"load: ceiling with {n} ldapmodify streams: {writes / elapsed.TotalSeconds:0} writes/s, directory CPU {cpuMs:0.00} ms per write"));
        }
        var best = all.MaxBy(c => c.Rate);
        return new Ceiling(best.Streams, best.Rate, best.CpuMs, all.Select(c => (c.Streams, c.Rate)).ToList());
    }

    private static string ShrtokDll()
    {
        var stack = StackEnvironment.Load();
        var build = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(stack.RepositoryRoot, "src", "ShrTok", "bin", build, "net10.0", "shrtok.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is not built: build the solution first.");
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
