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
/// (b) the daemon (its own process, or <c>--workers N</c> of them on one topology) draining N
///     queued enrollments: requests/s, p50/p99 per job from the daemons' processing histograms,
///     where a job's time goes (HSM, LDAP, confirms) and the CPU of every process per job;
/// (a) the directory's own write ceiling: parallel ldapmodify streams replacing shrTok;
/// (c) M users done the manual way (one process per token, one ldapmodify per user);
/// and the daemon's resident memory after the first N requests and after all of TOTAL.
/// Each part is printed as soon as it is measured, so that a later failure keeps the earlier numbers.
/// </summary>
internal sealed class LoadHarness : IHarness
{
    private const int DefaultRequests = 10_000;
    private const int DefaultTotal = 100_000;
    private const int DefaultManualUsers = 20;
    private const int PublishWindow = 512;
    private const double MemoryTolerance = 0.20;
    /// <summary>End to end, (b) over (a), on a machine shared by every process (issue 16).</summary>
    private const double TargetRatio = 0.6;
    /// <summary>The daemon's and the broker's CPU per job at most this share of the directory's (issue 16).</summary>
    private const double CpuShareOfDirectoryTarget = 0.5;
    private static readonly int[] DefaultStreams = [4, 8];
    private static readonly TimeSpan ResultTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private const int MemoryReadings = 10;
    /// <summary>Requests/s below which the run is given up (on top of ResultTimeout).</summary>
    private const double MinimumRate = 20;
    private const string TableHeader = "| measure | per second | p50 ms per job | p99 ms per job | note |\n|---|---:|---:|---:|---|";

    public string Name => "load";

    public string Description => "issue 8's table: daemon drain (p50/p99, where time goes, CPU per process), directory ceiling, manual way, RSS at N and TOTAL " +
        "(args: [--requests 10000] [--total 100000] [--workers 1] [--streams 4,8] [--manual 20] [--set Key=Value]...; --streams 0 or --manual 0 skips that part)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var requests = DefaultRequests;
        var total = DefaultTotal;
        var manualUsers = DefaultManualUsers;
        var workers = 1;
        var streams = DefaultStreams;
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--requests" when i + 1 < args.Length: requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--total" when i + 1 < args.Length: total = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--manual" when i + 1 < args.Length: manualUsers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--workers" when i + 1 < args.Length: workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--streams" when i + 1 < args.Length:
                    streams = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Where(n => n > 0).ToArray();
                    break;
                case "--set" when i + 1 < args.Length && args[i + 1].Contains('=', StringComparison.Ordinal):
                    var pair = args[++i].Split('=', 2);
                    overrides[pair[0]] = pair[1];
                    break;
                default:
                    Console.Error.WriteLine($"load: unknown or incomplete argument '{args[i]}'. {Description}");
                    return 2;
            }
        }
        if (workers < 1 || requests < 1)
        {
            Console.Error.WriteLine($"load: --workers and --requests must be at least 1. {Description}");
            return 2;
        }
        total = Math.Max(total, requests);

        var stack = StackEnvironment.Load(null);
        var work = Path.Combine(Path.GetTempPath(), "shrtok-load-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(work);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {Environment.ProcessorCount} CPUs, load average {LoadAverage()} at the start; {workers} worker process{(workers == 1 ? "" : "es")}, " +
            $"{stack.BrokerNodes} broker node{(stack.BrokerNodes == 1 ? "" : "s")}, Topology:Partitions {overrides.GetValueOrDefault("Topology:Partitions") ?? SharedSecretWorker.Broker.TopologyOptions.DefaultPartitions.ToString(CultureInfo.InvariantCulture)}"));
        var failures = 0;
        try
        {
            // Each part is printed as soon as it is measured: a later part that fails loses nothing.
            var daemon = await RunDaemonAsync(stack, requests, total, workers, overrides, cancellationToken);
            PrintDaemon(daemon, requests, total);
            if (daemon.Failed > 0) failures++;

            // After the daemon: every lane person has objectClass extensibleObject by now (the worker adds
            // it on first write), which ldapmodify's plain "replace: shrTok" needs.
            Ceiling? ceiling = null;
            if (streams.Length > 0)
            {
                try
                {
                    ceiling = await RunCeilingAsync(stack, work, requests, streams, cancellationToken);
                    PrintCeiling(ceiling, daemon);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures++;
                    Console.WriteLine($"load: (a) directory ceiling failed: {ex.Message}");
                }
            }

            List<TimeSpan>? manual = null;
            if (manualUsers > 0)
            {
                try
                {
                    manual = await ManualWay.RunAsync(stack, ShrtokDll(), work, manualUsers, cancellationToken);
                    Console.WriteLine();
                    Console.WriteLine(TableHeader);
                    Console.WriteLine(ManualRow(manual));
                    Console.WriteLine();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures++;
                    Console.WriteLine($"load: (c) manual way failed: {ex.Message}");
                }
            }

            // The whole table once more in one piece, in the order of the issue.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: the table in one piece (load average {LoadAverage()} now):"));
            Console.WriteLine();
            Console.WriteLine(TableHeader);
            if (ceiling is not null) Console.WriteLine(CeilingRow(ceiling));
            foreach (var row in DaemonRows(daemon, requests, total, ceiling)) Console.WriteLine(row);
            if (manual is not null) Console.WriteLine(ManualRow(manual));
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            System.IO.Directory.Delete(work, recursive: true);
        }
    }

    private static void PrintDaemon(DaemonRun daemon, int requests, int total)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: daemon part measured; load average {daemon.LoadAverage} at the end of its first {requests:N0} requests"));
        Console.WriteLine();
        Console.WriteLine(TableHeader);
        foreach (var row in DaemonRows(daemon, requests, total, null)) Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine("| daemon memory | RSS MiB" + (daemon.Workers > 1 ? " per worker" : "") + " |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| after {requests:N0} requests | {Join(daemon.RssAtRequests, "0.0")} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| after {total:N0} requests | {Join(daemon.RssAtTotal, "0.0")} |"));
        var growth = daemon.RssAtTotal.Zip(daemon.RssAtRequests, (end, start) => end / start - 1).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| growth | {Join(growth, "+0.0%;-0.0%")} (limit {MemoryTolerance:0%}) |"));
        Console.WriteLine();
        Console.WriteLine("Where a job's time goes (means over the first " + requests.ToString("N0", CultureInfo.InvariantCulture) +
            " requests, from the daemon" + (daemon.Workers > 1 ? "s'" : "'s") + " histograms; CPU from /proc):");
        foreach (var line in daemon.Breakdown) Console.WriteLine("  " + line);
        if (daemon.Shares.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Share of the first " + requests.ToString("N0", CultureInfo.InvariantCulture) + " requests per worker (from each worker's /metrics):");
            foreach (var line in daemon.Shares) Console.WriteLine("  " + line);
        }
        Console.WriteLine();
    }

    private static void PrintCeiling(Ceiling ceiling, DaemonRun daemon)
    {
        Console.WriteLine();
        Console.WriteLine(TableHeader);
        Console.WriteLine(CeilingRow(ceiling));
        Console.WriteLine();
        // What the ratio would be where the directory has its own machine and is the only limit:
        // the directory's CPU per write in (a) over its CPU per job in (b).
        var reissues = double.IsNaN(daemon.RestDirectoryCpuMs)
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $", {ceiling.DirectoryCpuMs / daemon.RestDirectoryCpuMs:0.00} for re-issues");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Ratio of (b) to (a): {daemon.Rate / ceiling.Rate:0.00} (target {TargetRatio}). Directory-bound ratio (directory CPU per write in (a) / per job in (b)): " +
            $"{ceiling.DirectoryCpuMs / daemon.DirectoryCpuMs:0.00} for first enrollments{reissues}"));
        Console.WriteLine();
    }

    private static string CeilingRow(Ceiling ceiling) =>
        Row($"(a) directory ceiling, {ceiling.Streams} ldapmodify streams", ceiling.Rate, double.NaN, double.NaN,
            string.Join(", ", ceiling.All.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Streams} streams {c.Rate:0}/s")))
            + string.Create(CultureInfo.InvariantCulture, $"; directory CPU {ceiling.DirectoryCpuMs:0.00} ms per write"));

    private static IEnumerable<string> DaemonRows(DaemonRun daemon, int requests, int total, Ceiling? ceiling)
    {
        var workers = daemon.Workers == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $", {daemon.Workers} workers");
        var ratio = ceiling is null ? "" : string.Create(CultureInfo.InvariantCulture, $"ratio to (a) {daemon.Rate / ceiling.Rate:0.00} (target {TargetRatio}); ");
        yield return Row($"(b) daemon, {requests:N0} queued enrollments{workers}", daemon.Rate, daemon.P50 * 1000, daemon.P99 * 1000,
            string.Create(CultureInfo.InvariantCulture, $"{ratio}directory CPU {daemon.DirectoryCpuMs:0.00} ms per job; peak RSS {daemon.PeakRss:0} MiB"));
        if (!double.IsNaN(daemon.RestRate))
            yield return Row($"(b') daemon, requests {requests + 1:N0}..{total:N0}: re-issues to the same people", daemon.RestRate, double.NaN, double.NaN,
                string.Create(CultureInfo.InvariantCulture, $"directory CPU {daemon.RestDirectoryCpuMs:0.00} ms per job"));
    }

    private static string ManualRow(List<TimeSpan> manual)
    {
        var percentiles = new Percentiles(manual);
        return Row($"(c) manual way, {manual.Count} users", manual.Count / manual.Sum(t => t.TotalSeconds), percentiles.At(50), percentiles.At(99),
            "one token process + one ldapsearch + one ldapmodify per user (adding extensibleObject where missing)");
    }

    private static string Join(IEnumerable<double> values, string format) =>
        string.Join(" / ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    private static string Row(string measure, double rate, double p50, double p99, string note) =>
        string.Create(CultureInfo.InvariantCulture, $"| {measure} | {rate:0.0} | {Ms(p50)} | {Ms(p99)} | {note} |");

    private static string Ms(double value) => double.IsNaN(value) ? "" : value.ToString("0.0", CultureInfo.InvariantCulture);

    private sealed record DaemonRun(int Workers, double Rate, double RestRate, double P50, double P99, double PeakRss, double[] RssAtRequests, double[] RssAtTotal,
        double DirectoryCpuMs, double RestDirectoryCpuMs, int Failed, List<string> Breakdown, List<string> Shares, string LoadAverage);

    /// <summary>One daemon process of the run, with its own metrics endpoint.</summary>
    private sealed record Worker(string Name, WorkerProcess Process, PeakMemory Memory, string MetricsUrl);

    private static async Task<DaemonRun> RunDaemonAsync(StackEnvironment stack, int requests, int total, int workerCount,
        Dictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        // Bulk onboarding enrolls each person once: the first N requests go to N distinct people
        // (laneNNNNN, added where missing), so each needs the CA's search; the rest of TOTAL cycle
        // over them again (re-issues), which is what the memory phase needs.
        var added = await LanePeople.EnsureAsync(stack, requests, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: people {LanePeople.Uid(1)}..{LanePeople.Uid(requests)} ({added} added now)"));

        await using var observer = await WorkerUnderTest.ObserveAsync();
        // Every worker gets every node of the cluster (RabbitMq:Endpoints), as operations.md asks,
        // unless the command line says otherwise.
        if (!overrides.Keys.Any(k => k.StartsWith("RabbitMq:Endpoints", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var (key, value) in stack.ExtraBrokerEndpointSettings()) overrides[key] = value;
        }
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

        // What the broker and the directory spend with no worker running (a quorum queue cluster is never
        // quite idle), so that their CPU per job can be read net of it.
        var idle = await IdleCoresAsync(cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: before the workers start, over {IdleSample.TotalSeconds:0} s: {string.Join(", ", idle.Select(p => $"{p.Key} {p.Value:0.000} cores"))}"));

        // N daemons of one site: the same configuration, each with its own connection name and metrics port.
        var workers = new List<Worker>(workerCount);
        try
        {
            for (var w = 1; w <= workerCount; w++)
            {
                var settings = new Dictionary<string, string?>(configuration, StringComparer.OrdinalIgnoreCase);
                var name = workerCount == 1 ? observer.WorkerConnectionName : string.Create(CultureInfo.InvariantCulture, $"{observer.WorkerConnectionName}-{w}");
                settings["RabbitMq:ClientName"] = name;
                var metricsUrl = FreePort.MetricsEndpoint().ToString();
                settings["Telemetry:PrometheusEndpoint"] = metricsUrl;
                var process = WorkerProcess.Start(settings);
                workers.Add(new Worker(name, process, new PeakMemory(process.Id), metricsUrl));
            }
            return await DrainAsync(stack, observer, workers, ids, requests, total, idle, cancellationToken);
        }
        finally
        {
            foreach (var worker in workers) worker.Process.Dispose();
        }
    }

    private static async Task<DaemonRun> DrainAsync(StackEnvironment stack, WorkerUnderTest observer, List<Worker> workers, string[] ids,
        int requests, int total, Dictionary<string, double> idle, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        await Task.WhenAll(workers.Select(w => w.Process.WaitUntilConsumingAsync()));
        var before = await ScrapeAllAsync(http, workers, cancellationToken);
        // Every worker process, every node of the broker cluster (each its own beam.smp), the directory.
        var brokerNodes = CpuTime.BrokerNodes();
        var daemonName = DaemonProcesses(workers.Count);
        var brokerName = BrokerProcesses(brokerNodes.Count);
        var cpu = new Dictionary<string, List<int>>(StringComparer.Ordinal)
        {
            [daemonName] = workers.Select(w => w.Process.Id).ToList(),
            [brokerName] = brokerNodes,
            [DirectoryProcess] = CpuTime.FindAll("ns-slapd"),
            [HarnessProcess] = [Environment.ProcessId],
        };
        if (cpu[DirectoryProcess].Count == 0) Console.WriteLine("load: no ns-slapd process found: the directory's CPU reads 0");
        var cpuBefore = cpu.ToDictionary(p => p.Key, p => CpuTime.Seconds(p.Value));
        var cpuAtRequests = cpuBefore;
        // Wake-ups: each is a trip through the scheduler (docs/performance.md, "Where a request's CPU goes now").
        var switchesBefore = cpu.ToDictionary(p => p.Key, p => CpuTime.ContextSwitches(p.Value));
        var switchesAtRequests = switchesBefore;
        var workerCpuBefore = workers.Select(w => CpuTime.Seconds(w.Process.Id)).ToArray();
        var workerCpuAtRequests = workerCpuBefore;
        var clock = Stopwatch.StartNew();

        // Results arrive in any order (retries come back later): count them, and take the readings
        // when the count crosses N and every further tenth of TOTAL.
        var rssAtRequests = new double[workers.Count];
        var doneAtRequests = requests;
        TimeSpan atRequests = default;
        var atRequestsScrapes = before;
        var loadAverageAtRequests = "";
        var step = Math.Max(requests, total / MemoryReadings);
        var nextReading = requests;
        var deadline = DateTime.UtcNow + ResultTimeout + TimeSpan.FromSeconds(total / MinimumRate);
        while (true)
        {
            var done = observer.Results.Count;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {done} of {total} results after {clock.Elapsed}");
            foreach (var w in workers) w.Memory.Sample();
            var exited = workers.FirstOrDefault(w => w.Process.HasExited);
            if (exited is not null) throw new InvalidOperationException($"worker {exited.Name} exited after {done} results:\n{exited.Process.LogTail()}");
            if (done >= nextReading && nextReading <= total)
            {
                var scrapes = await ScrapeAllAsync(http, workers, cancellationToken);
                var rss = workers.Select(w => PeakMemory.ResidentMegabytes(w.Process.Id)).ToArray();
                if (nextReading == requests)
                {
                    atRequests = clock.Elapsed;
                    doneAtRequests = done;
                    atRequestsScrapes = scrapes;
                    rssAtRequests = rss;
                    cpuAtRequests = cpu.ToDictionary(p => p.Key, p => CpuTime.Seconds(p.Value));
                    switchesAtRequests = cpu.ToDictionary(p => p.Key, p => CpuTime.ContextSwitches(p.Value));
                    workerCpuAtRequests = workers.Select(w => CpuTime.Seconds(w.Process.Id)).ToArray();
                    loadAverageAtRequests = LoadAverage();
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"load: {done:N0} done in {clock.Elapsed.TotalSeconds:0.0} s, RSS {Join(rss, "0.0")} MiB (anonymous {Join(workers.Select(w => PeakMemory.AnonymousMegabytes(w.Process.Id)), "0.0")}), " +
                    $"GC heap {Join(scrapes.Select(HeapMegabytes), "0.0")} MiB, load average {LoadAverage()}"));
                nextReading += step;
            }
            if (done >= total) break;
            await Task.Delay(PollInterval, cancellationToken);
        }
        var all = clock.Elapsed;
        var directoryCpuAtTotal = CpuTime.Seconds(cpu[DirectoryProcess]);
        var finalScrapes = await ScrapeAllAsync(http, workers, cancellationToken);
        var rssAtTotal = workers.Select(w => PeakMemory.ResidentMegabytes(w.Process.Id)).ToArray();
        foreach (var w in workers) w.Memory.Sample();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {total:N0} done in {all.TotalSeconds:0.0} s, RSS {Join(rssAtTotal, "0.0")} MiB (anonymous {Join(workers.Select(w => PeakMemory.AnonymousMegabytes(w.Process.Id)), "0.0")}), " +
            $"GC heap {Join(finalScrapes.Select(HeapMegabytes), "0.0")} MiB"));
        // Where the broker put things, for reading the numbers (cross-node hops cost the broker CPU).
        await BrokerPlacement.PrintAsync(stack, observer.Prefix, workers.Select(w => w.Name).ToList(), cancellationToken);
        var failed = 0;
        foreach (var id in ids)
        {
            var result = await observer.ResultAsync(id);
            if (result.Status == ResultStatus.Stored) continue;
            if (failed++ < 5) Console.WriteLine($"not stored: {result.RequestId} {result.Uid}: {result.Status} {result.Error?.Code} {result.Error?.Message} (attempts {result.Attempts})");
        }
        var retried = observer.Results.Count(r => r.Attempts > 1);
        if (retried > 0) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: {retried} requests needed more than one attempt"));
        foreach (var w in workers) w.Process.Terminate();
        foreach (var w in workers) await w.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // Several scrapes read as one: the histograms' series of all workers add up.
        var beforeAll = string.Join('\n', before);
        var atRequestsAll = string.Join('\n', atRequestsScrapes);
        var processing = ScrapedHistogram.Read(atRequestsAll, ProcessingMetric).Since(ScrapedHistogram.Read(beforeAll, ProcessingMetric));
        // Everything "per job" is divided by the results counted at that reading (a few past N).
        var breakdown = Breakdown(beforeAll, atRequestsAll, doneAtRequests);
        // CPU seconds each process used over the first N requests.
        double Used(string name) => cpuAtRequests[name] - cpuBefore[name];
        var directoryCpuMs = Used(DirectoryProcess) * 1000 / doneAtRequests;
        foreach (var (name, _) in cpu)
        {
            var seconds = Used(name);
            var net = idle.TryGetValue(name == DirectoryProcess ? DirectoryProcess : name == brokerName ? BrokerIdle : "", out var cores)
                ? string.Create(CultureInfo.InvariantCulture, $"; {(seconds - cores * atRequests.TotalSeconds) * 1000 / doneAtRequests:0.00} ms net of its idle {cores:0.000} cores")
                : "";
            breakdown.Add(string.Create(CultureInfo.InvariantCulture,
                $"{"CPU " + name,-48} {seconds * 1000 / doneAtRequests,7:0.00} ms per job ({seconds / atRequests.TotalSeconds:0.00} cores{net}; " +
                $"{(double)(switchesAtRequests[name] - switchesBefore[name]) / doneAtRequests:0.0} context switches per job)"));
        }
        var allCpu = cpu.Keys.Sum(Used);
        breakdown.Add(string.Create(CultureInfo.InvariantCulture,
            $"{"CPU of all these",-48} {allCpu * 1000 / doneAtRequests,7:0.00} ms per job ({allCpu / atRequests.TotalSeconds:0.00} cores)"));
        // The issue's ratios: the worker and the broker against the directory they feed, the harness against the worker.
        if (Used(DirectoryProcess) > 0 && Used(daemonName) > 0)
        {
            breakdown.Add(string.Create(CultureInfo.InvariantCulture,
                $"CPU against the directory's: daemon {Used(daemonName) / Used(DirectoryProcess):0.00}, broker {Used(brokerName) / Used(DirectoryProcess):0.00} " +
                $"(targets at most {CpuShareOfDirectoryTarget}); the harness against the daemon {Used(HarnessProcess) / Used(daemonName):0.00} (target below 1)"));
        }

        var shares = new List<string>();
        if (workers.Count > 1)
        {
            for (var w = 0; w < workers.Count; w++)
            {
                var jobs = ScrapedHistogram.Read(atRequestsScrapes[w], ProcessingMetric).Since(ScrapedHistogram.Read(before[w], ProcessingMetric)).Count;
                var seconds = workerCpuAtRequests[w] - workerCpuBefore[w];
                shares.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{workers[w].Name}: {jobs:0} jobs ({jobs / Math.Max(1, processing.Count):0.0%}), CPU {seconds:0.0} s ({(jobs > 0 ? seconds * 1000 / jobs : double.NaN):0.00} ms per own job)"));
            }
        }

        var rest = total - doneAtRequests;
        var restRate = rest > 0 ? rest / (all - atRequests).TotalSeconds : double.NaN;
        var restDirectoryCpuMs = rest > 0 ? (directoryCpuAtTotal - cpuAtRequests[DirectoryProcess]) * 1000 / rest : double.NaN;
        return new DaemonRun(workers.Count, doneAtRequests / atRequests.TotalSeconds, restRate, processing.Quantile(0.5), processing.Quantile(0.99),
            workers.Max(w => w.Memory.PeakMegabytes), rssAtRequests, rssAtTotal, directoryCpuMs, restDirectoryCpuMs, failed, breakdown, shares, loadAverageAtRequests);
    }

    private static readonly TimeSpan IdleSample = TimeSpan.FromSeconds(5);
    private const string BrokerIdle = "broker";

    /// <summary>Cores used by every broker node together and by the directory, over <see cref="IdleSample"/>.</summary>
    private static async Task<Dictionary<string, double>> IdleCoresAsync(CancellationToken cancellationToken)
    {
        var processes = new Dictionary<string, List<int>>(StringComparer.Ordinal)
        {
            [BrokerIdle] = CpuTime.BrokerNodes(),
            [DirectoryProcess] = CpuTime.FindAll("ns-slapd"),
        };
        var start = processes.ToDictionary(p => p.Key, p => CpuTime.Seconds(p.Value));
        var clock = Stopwatch.StartNew();
        await Task.Delay(IdleSample, cancellationToken);
        var elapsed = clock.Elapsed.TotalSeconds;
        return processes.ToDictionary(p => p.Key, p => (CpuTime.Seconds(p.Value) - start[p.Key]) / elapsed);
    }

    private static async Task<string[]> ScrapeAllAsync(HttpClient http, List<Worker> workers, CancellationToken cancellationToken) =>
        await Task.WhenAll(workers.Select(w => http.GetStringAsync(w.MetricsUrl, cancellationToken)));

    private static string DaemonProcesses(int count) =>
        count == 1 ? "daemon" : string.Create(CultureInfo.InvariantCulture, $"daemon ({count} worker processes)");

    private static string BrokerProcesses(int count) =>
        count == 1 ? "broker (beam.smp)" : string.Create(CultureInfo.InvariantCulture, $"broker ({count} nodes' beam.smp)");

    /// <summary>The managed heap after the last collection (the runtime's System.Runtime meter), in MiB.</summary>
    private static double HeapMegabytes(string scrape) =>
        scrape.Split('\n')
            .Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)) / (1024 * 1024);

    private const string DirectoryProcess = "directory (ns-slapd)";
    private const string HarnessProcess = "this harness";

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
