using System.Globalization;

namespace SharedSecretWorker.Benchmarks.Load;

/// <summary>
/// CPU seconds (user + system) that processes have used, from /proc/PID/stat: where the machine's
/// cores went during a run (broker, directory server, worker, this harness).
/// </summary>
internal static class CpuTime
{
    // USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux architecture .NET runs on.
    private const double ClockTicksPerSecond = 100;
    private const int UserTimeField = 13;
    private const int SystemTimeField = 14;

    /// <summary>CPU seconds used so far by <paramref name="processId"/>; 0 once it is gone.</summary>
    public static double Seconds(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            const int offset = 2; // fields after ")" start at field 3
            return (long.Parse(fields[UserTimeField - offset], CultureInfo.InvariantCulture)
                + long.Parse(fields[SystemTimeField - offset], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The broker's nodes: every beam.smp that runs RabbitMQ itself (started with <c>-s rabbit boot</c>),
    /// not the short-lived beam.smp of a <c>rabbitmqctl</c> call, whose CPU would leave the sum when it ends.
    /// </summary>
    public static List<int> BrokerNodes() => FindAll("beam.smp", "rabbit boot") is { Count: > 0 } nodes ? nodes : FindAll("beam.smp");

    /// <summary>
    /// Context switches so far of every thread of <paramref name="processId"/> (voluntary: a thread
    /// that blocked or waited, i.e. a wake-up; involuntary: preempted), from /proc/PID/task/*/status;
    /// threads that have ended are not counted. 0 once the process is gone.
    /// </summary>
    public static long ContextSwitches(int processId)
    {
        long switches = 0;
        try
        {
            foreach (var task in System.IO.Directory.EnumerateDirectories($"/proc/{processId}/task"))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                            switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
                catch (IOException)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        catch (IOException)
        {
        }
        return switches;
    }

    /// <summary>Context switches so far of all of <paramref name="processIds"/> together.</summary>
    public static long ContextSwitches(IEnumerable<int> processIds) => processIds.Sum(ContextSwitches);

    /// <summary>CPU seconds used so far by all of <paramref name="processIds"/> together.</summary>
    public static double Seconds(IEnumerable<int> processIds) => processIds.Sum(Seconds);

    /// <summary>The first process whose command name (comm) is <paramref name="name"/>, or null.</summary>
    public static int? Find(string name) => FindAll(name).Select(pid => (int?)pid).FirstOrDefault();

    /// <summary>
    /// Every process whose command name (comm) is <paramref name="name"/>, lowest id first: each node
    /// of a RabbitMQ cluster on this machine is a <c>beam.smp</c> of its own.
    /// </summary>
    public static List<int> FindAll(string name) => FindAll(name, null);

    /// <summary>
    /// Every process named <paramref name="name"/> whose command line contains <paramref name="argument"/>
    /// (null: any), lowest id first.
    /// </summary>
    public static List<int> FindAll(string name, string? argument)
    {
        var found = new List<int>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == name
                    && (argument is null || File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(argument, StringComparison.Ordinal)))
                    found.Add(pid);
            }
            catch (IOException)
            {
                // Gone between listing and reading.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        found.Sort();
        return found;
    }
}
