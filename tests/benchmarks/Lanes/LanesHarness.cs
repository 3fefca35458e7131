using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Benchmarks.Lanes;

/// <summary>
/// Fair lanes, measured: the daemon runs as its own process with a fresh topology; <c>shrtok batch
/// --wait</c> (also its own process) sends N enrollments on the bulk lane, and while they drain
/// single enrollments go to the interactive lane one at a time, each timed from publish to result.
/// Prints the batch's rows/s, the interactive latency percentiles (idle and during the batch) and
/// the peak memory (VmHWM) of both processes.
/// </summary>
internal sealed class LanesHarness : IHarness
{
    private const int DefaultRows = 10_000;
    private const int DefaultIdleProbes = 50;
    private const int WarmUpProbes = 5;
    private const int InteractiveUsers = 100;
    private static readonly TimeSpan DefaultProbeInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MemorySampling = TimeSpan.FromMilliseconds(200);

    public string Name => "lanes";

    public string Description => "bulk batch rows/s via shrtok batch while interactive enrollments are timed (args: [--rows N] [--probe-interval-ms 50] [--rate N] [--worker-concurrency N])";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var rows = DefaultRows;
        var interval = DefaultProbeInterval;
        string? rate = null;
        string? concurrency = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 99_999:
                    rows = n; i++; break;
                case "--probe-interval-ms" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var ms) && ms >= 0:
                    interval = TimeSpan.FromMilliseconds(ms); i++; break;
                case "--rate" when i + 1 < args.Length:
                    rate = args[++i]; break;
                case "--worker-concurrency" when i + 1 < args.Length:
                    concurrency = args[++i]; break;
                default:
                    Console.Error.WriteLine($"lanes: unknown or incomplete argument '{args[i]}'. {Description}");
                    return 2;
            }
        }

        var stack = StackEnvironment.Load();
        var shrtok = Path.Combine(stack.RepositoryRoot, "src", "ShrTok", "bin", "Release", "net10.0", "shrtok.dll");
        if (!File.Exists(shrtok))
        {
            Console.Error.WriteLine($"lanes: {shrtok} is not built: dotnet build -c Release first.");
            return 2;
        }
        var added = await LanePeople.EnsureAsync(stack, rows, cancellationToken);
        Console.WriteLine($"lanes: {rows} people {LanePeople.Uid(1)}..{LanePeople.Uid(rows)} ({added} added now)");

        var prefix = "shrtok.lanes" + Guid.NewGuid().ToString("N")[..8];
        var work = Path.Combine(Path.GetTempPath(), prefix);
        System.IO.Directory.CreateDirectory(work);
        // The stack's configuration with this run's own exchanges and queues (production retry delays:
        // DeleteTopologyAsync removes the retry queues they name).
        var configuration = WorkerUnderTest.StackConfiguration(stack, prefix);
        // The probe publishes as the admin user and shrtok as the worker's user, neither of them the
        // identity-management user that worker.env lists.
        configuration["Security:AllowAnyProducer"] = "true";
        foreach (var key in configuration.Keys.Where(k => k.StartsWith("Security:Producers:", StringComparison.OrdinalIgnoreCase)).ToList()) configuration.Remove(key);
        if (concurrency is not null) configuration["Worker:MaxConcurrency"] = concurrency;
        var batchId = "lanes-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        try
        {
            using var worker = WorkerProcess.Start(configuration);
            await worker.WaitUntilConsumingAsync(TimeSpan.FromSeconds(90));
            var daemonMemory = new PeakMemory(worker.Id);
            await using var probe = await LaneProbe.StartAsync(stack, prefix + ".requests", prefix + ".results", prefix + ".notices", batchId);

            var idle = new List<TimeSpan>();
            var next = 0;
            string NextUser() => $"user{next++ % InteractiveUsers + 1:D4}";
            // The first requests open the HSM sessions and directory connections: not what is measured.
            for (var i = 0; i < WarmUpProbes; i++) await probe.EnrollAsync(NextUser(), ProbeTimeout, cancellationToken);
            for (var i = 0; i < DefaultIdleProbes; i++)
            {
                if (await probe.EnrollAsync(NextUser(), ProbeTimeout, cancellationToken) is { } latency) idle.Add(latency);
            }

            var file = Path.Combine(work, "batch.csv");
            await File.WriteAllLinesAsync(file, Enumerable.Range(1, rows).Select(i => $"{LanePeople.Uid(i)},email,{LanePeople.Uid(i)}@example.com").Prepend("uid,channel,address"), cancellationToken);
            var report = Path.Combine(work, "report.csv");
            var arguments = new List<string> { shrtok, "batch", file, "--wait", "--report", report, "--batch-id", batchId };
            if (rate is not null) arguments.AddRange(["--rate", rate]);
            var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var (key, value) in configuration) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
            start.Environment["Batch__StateDirectory"] = Path.Combine(work, "state");
            start.Environment["Batch__ProgressInterval"] = "00:00:05";

            var clock = Stopwatch.StartNew();
            using var batch = Process.Start(start)!;
            var batchMemory = new PeakMemory(batch.Id);
            var batchOutput = batch.StandardOutput.ReadToEndAsync(cancellationToken);
            var batchError = batch.StandardError.ReadToEndAsync(cancellationToken);
            var exited = batch.WaitForExitAsync(cancellationToken);
            var sampling = Task.Run(async () =>
            {
                while (!exited.IsCompleted)
                {
                    batchMemory.Sample();
                    daemonMemory.Sample();
                    await Task.Delay(MemorySampling, CancellationToken.None);
                }
            }, CancellationToken.None);

            var during = new List<TimeSpan>();
            var lost = 0;
            while (!exited.IsCompleted && !cancellationToken.IsCancellationRequested)
            {
                if (await probe.EnrollAsync(NextUser(), ProbeTimeout, cancellationToken) is { } latency) during.Add(latency);
                else lost++;
                if (interval > TimeSpan.Zero) await Task.WhenAny(exited, Task.Delay(interval, cancellationToken));
            }
            await exited;
            var wall = clock.Elapsed;
            await sampling;
            daemonMemory.Sample();
            Console.WriteLine((await batchOutput).TrimEnd());
            var errors = (await batchError).TrimEnd();
            if (errors.Length > 0) Console.WriteLine(errors);

            foreach (var failure in Failures(report)) Console.WriteLine(failure);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lanes: {rows} bulk enrollments, worker {configuration.GetValueOrDefault("Worker:MaxConcurrency") ?? WorkerOptions.DefaultMaxConcurrency.ToString(CultureInfo.InvariantCulture)} jobs (bulk at most all but one), Hsm:MaxSessions {configuration.GetValueOrDefault("Hsm:MaxSessions") ?? "default"}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"shrtok batch --wait",-28} exit {batch.ExitCode}, wall {wall.TotalSeconds:0.0} s, {rows / wall.TotalSeconds:0} rows/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"worker drain (1st..last)",-28} {probe.BulkResults} results ({probe.BulkFailed} failed) in {probe.BulkSpan.TotalSeconds:0.0} s, {probe.BulkResults / Math.Max(0.001, probe.BulkSpan.TotalSeconds):0} rows/s"));
            Console.WriteLine(Percentiles.Header);
            Console.WriteLine(new Percentiles(idle).Row("idle (before the batch)"));
            Console.WriteLine(new Percentiles(during).Row("during the batch") + (lost > 0 ? $"  ({lost} timed out or failed)" : ""));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"peak memory (VmHWM)",-28} shrtok batch {batchMemory.PeakMegabytes:0} MiB, daemon {daemonMemory.PeakMegabytes:0} MiB"));
            Console.WriteLine($"{"machine",-28} {Environment.ProcessorCount} CPUs, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");

            worker.Terminate();
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
            return batch.ExitCode == 0 && lost == 0 ? 0 : 1;
        }
        finally
        {
            await DeleteTopologyAsync(stack, prefix);
            try
            {
                System.IO.Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    /// <summary>Failed rows of the report by code, with one message each (the report's last three columns are status,code,message).</summary>
    private static IEnumerable<string> Failures(string report)
    {
        if (!File.Exists(report)) return ["lanes: no report was written"];
        return File.ReadLines(report).Skip(1)
            .Select(line => line.Split(','))
            .Where(f => f.Length >= 7 && f[4] != "stored")
            .GroupBy(f => $"{f[4]} {f[5]}")
            .Select(g => $"lanes: {g.Count()} rows {g.Key}, e.g. {g.First()[0]}: {string.Join(",", g.First()[6..])}");
    }

    private static async Task DeleteTopologyAsync(StackEnvironment stack, string prefix)
    {
        var factory = new ConnectionFactory
        {
            HostName = stack.Get("STACK_RABBITMQ_HOST"),
            Port = int.Parse(stack.Get("STACK_RABBITMQ_PORT"), CultureInfo.InvariantCulture),
            VirtualHost = stack.Get("STACK_RABBITMQ_VHOST"),
            UserName = stack.Get("STACK_RABBITMQ_ADMIN_USER"),
            Password = stack.Get("STACK_RABBITMQ_ADMIN_PASSWORD"),
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var lane in new[] { "interactive", "bulk" })
        {
            await channel.QueueDeleteAsync($"{prefix}.requests.{lane}", false, false);
            for (var p = 0; p < SharedSecretWorker.Broker.TopologyOptions.DefaultPartitions; p++)
                await channel.QueueDeleteAsync($"{prefix}.requests.{lane}.p{p:D2}", false, false);
            foreach (var delay in RetryOptions.DefaultDelays)
            {
                await channel.QueueDeleteAsync($"{prefix}.retry.{lane}.{(long)delay.TotalMilliseconds}", false, false);
                await channel.QueueDeleteAsync($"{prefix}.delay.{lane}.{(long)delay.TotalMilliseconds}", false, false);
            }
            await channel.ExchangeDeleteAsync($"{prefix}.requests.{lane}.partitions", false);
        }
        await channel.QueueDeleteAsync(prefix + ".dead", false, false);
        await channel.QueueDeleteAsync(prefix + ".delivery-limit", false, false);
        foreach (var exchange in new[] { "requests", "results", "notices", "dead-letter", "retry", "workers" })
            await channel.ExchangeDeleteAsync($"{prefix}.{exchange}", false);
    }
}
