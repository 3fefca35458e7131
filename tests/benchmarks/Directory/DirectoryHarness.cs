using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Directory.Ldap;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Benchmarks.Directory;

/// <summary>
/// Enrollment-token writes per second against the stack's 389 DS at 1, 2, 4 and 8 connections:
/// the worker's <see cref="IDirectoryStore"/> (search by uid, then one modify) next to
/// <c>ldapmodify</c> applying the same LDIF (one process per stream, each fed a chunk).
/// Both bind as the worker's least-privileged account. Targets are the stack's uid=user0001..userNNNN.
/// </summary>
internal sealed class DirectoryHarness : IHarness
{
    private const int DefaultWrites = 2000;
    private const int DefaultRepeats = 3;
    private const int TokenBytes = 270;
    private const string UserPrefix = "user";
    private static readonly int[] DefaultStreams = [1, 2, 4, 8];

    public string Name => "directory";

    public string Description => "shrTok modifies/s at 1, 2, 4, 8 connections: IDirectoryStore vs ldapmodify (args: [--writes N] [--streams 1,2,4,8] [--repeat 3] [--env stack.env])";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var writes = DefaultWrites;
        var repeats = DefaultRepeats;
        var streams = DefaultStreams;
        string? envPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--writes" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    writes = n; i++; break;
                case "--repeat" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var r) && r > 0:
                    repeats = r; i++; break;
                case "--streams" when i + 1 < args.Length:
                    streams = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--env" when i + 1 < args.Length:
                    envPath = args[++i]; break;
                default:
                    Console.Error.WriteLine($"directory: unknown or incomplete argument '{args[i]}'. {Description}");
                    return 2;
            }
        }

        var stack = StackEnvironment.Load(envPath);
        var work = Path.Combine(Path.GetTempPath(), "shrtok-directory-bench-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(work);
        try
        {
            // One LDIF: "replace: shrTok" on user0001..userN with fresh tokens. The store's workload is
            // parsed back from it, so both sides do exactly the same modifications.
            var ldif = Path.Combine(work, "tokens.ldif");
            await File.WriteAllTextAsync(ldif, BuildLdif(writes, stack), cancellationToken);
            var targets = ParseLdif(await File.ReadAllTextAsync(ldif, cancellationToken));

            Console.WriteLine($"directory: {targets.Count} shrTok replacements per run on {UserPrefix}0001..{UserPrefix}{targets.Count:0000} at {stack.Get("STACK_LDAP_URL")}, bind {stack.Get("STACK_LDAP_WORKER_DN")}");
            // Warm-up: the store adds objectClass extensibleObject where it is missing (ldapmodify's
            // plain replace would fail there), and the server's caches get the entries.
            await RunStoreAsync(stack, targets, streams.Max(), cancellationToken);

            var rows = new List<(int Streams, double Store, double StoreMs, double Tool, double ToolMs)>();
            foreach (var n in streams)
            {
                // Alternate the two sides and keep the median of each, so that load from anything
                // else on the machine spreads over both instead of skewing one.
                var storeRuns = new List<TimeSpan>();
                var toolRuns = new List<TimeSpan>();
                for (var r = 0; r < repeats; r++)
                {
                    storeRuns.Add(await RunStoreAsync(stack, targets, n, cancellationToken));
                    toolRuns.Add(await LdapModifyStreams.RunAsync(stack, work, targets.Select(t => t.Record).ToList(), n, cancellationToken));
                }
                var store = Median(storeRuns);
                var tool = Median(toolRuns);
                rows.Add((n, targets.Count / store.TotalSeconds, store.TotalMilliseconds * n / targets.Count,
                    targets.Count / tool.TotalSeconds, tool.TotalMilliseconds * n / targets.Count));
            }

            Console.WriteLine();
            Console.WriteLine("| connections | IDirectoryStore modifies/s | ms per modify | ldapmodify modifies/s | ms per modify | store / ldapmodify |");
            Console.WriteLine("|------------:|---------------------------:|--------------:|----------------------:|--------------:|-------------------:|");
            foreach (var r in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Streams,11} | {r.Store,26:0} | {r.StoreMs,13:0.00} | {r.Tool,21:0} | {r.ToolMs,13:0.00} | {r.Store / r.Tool,18:0.00} |"));
            }
            Console.WriteLine();
            Console.WriteLine($"Median of {repeats} runs per cell.");
            Console.WriteLine("IDirectoryStore does the CA's (uid=...) subtree search and then the modify (two round trips) per write; ldapmodify only the modify.");
            Console.WriteLine("ldapmodify: one process per connection, each applying its chunk of the same LDIF; process start-up is included.");
            return 0;
        }
        finally
        {
            System.IO.Directory.Delete(work, recursive: true);
        }
    }

    private static TimeSpan Median(List<TimeSpan> runs) => runs.Order().ElementAt(runs.Count / 2);

    private static string BuildLdif(int writes, StackEnvironment stack) =>
        string.Concat(Enumerable.Range(1, writes).Select(i =>
            LdapModifyStreams.Record(LdapModifyStreams.PersonDn(stack, i), Convert.ToBase64String(RandomNumberGenerator.GetBytes(TokenBytes)))));

    /// <summary>(uid, token) of each LDIF record, in order.</summary>
    private static List<(string Uid, string Token, string Record)> ParseLdif(string ldif)
    {
        var targets = new List<(string, string, string)>();
        foreach (var record in ldif.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = record.Split('\n');
            var dn = lines.Single(l => l.StartsWith("dn: ", StringComparison.Ordinal))["dn: ".Length..];
            var uid = dn[(dn.IndexOf('=') + 1)..dn.IndexOf(',')];
            var token = lines.Single(l => l.StartsWith("shrTok: ", StringComparison.Ordinal))["shrTok: ".Length..];
            targets.Add((uid, token, record + "\n\n"));
        }
        return targets;
    }

    private static async Task<TimeSpan> RunStoreAsync(StackEnvironment stack, List<(string Uid, string Token, string Record)> targets, int connections, CancellationToken cancellationToken)
    {
        var options = new DirectoryOptions
        {
            Url = stack.Get("STACK_LDAP_URL"),
            BindDn = stack.Get("STACK_LDAP_WORKER_DN"),
            BindPasswordFile = stack.Get("STACK_LDAP_WORKER_PASSWORD_FILE"),
            PeopleBase = stack.Get("STACK_PEOPLE_BASE"),
            CertificateRepositoryBase = stack.Get("STACK_CERT_REPOSITORY_BASE"),
            MaxConnections = connections,
        };
        using var store = new LdapDirectoryStore(Options.Create(options), NullLogger<LdapDirectoryStore>.Instance);
        // Dial every connection before the clock starts; ldapmodify's connect is inside its time, see the note.
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => store.CheckAsync(cancellationToken)));

        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < targets.Count)
                await store.StoreEnrollmentTokenAsync(targets[i].Uid, targets[i].Token, Metadata(targets[i].Token), cancellationToken);
        }, cancellationToken)));
        return clock.Elapsed;
    }

    /// <summary>The metadata every real write carries (issued now, 7 days), so the harness measures the same modify.</summary>
    private static TokenMetadata Metadata(string token)
    {
        var issued = TokenMetadata.ToSeconds(DateTimeOffset.UtcNow);
        return new TokenMetadata(SharedSecretWorker.Contracts.Messages.TokenDigest.Sha256Hex(token), issued, issued.AddDays(7), "benchmark", null, null);
    }
}
