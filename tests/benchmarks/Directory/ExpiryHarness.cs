using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Directory.Ldap;
using SharedSecretWorker.Lifecycle;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Benchmarks.Directory;

/// <summary>
/// How long one expiry sweep takes against the stack's 389 DS (docs/token-lifecycle.md, "A lifetime"):
/// N fresh people, each given a token whose metadata expired a second ago (the worker's store, so the
/// same modify as a request's), then sweeps with the worker's bind until one finds nothing (events counted,
/// not published): a backlog larger than the directory lists at once takes several, and the last one is
/// the idle cost every worker pays each interval. The sweeps take every expired token of the stack's
/// directory, not only the harness's own: run it when no test relies on an overdue token.
/// </summary>
internal sealed class ExpiryHarness : IHarness
{
    private const int DefaultTokens = 1000;
    private const int Writers = 8;
    private const int TokenBytes = 270;

    public string Name => "expiry";

    public string Description => "expiry sweeps of N expired enrollment tokens until one finds nothing (args: [--tokens 1000] [--env stack.env])";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var tokens = DefaultTokens;
        string? envPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tokens" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    tokens = n; i++; break;
                case "--env" when i + 1 < args.Length:
                    envPath = args[++i]; break;
                default:
                    Console.Error.WriteLine($"expiry: unknown or incomplete argument '{args[i]}'. {Description}");
                    return 2;
            }
        }
        if (envPath is not null) Environment.SetEnvironmentVariable(StackEnvironment.PathVariable, envPath);
        var stack = StackEnvironment.Load();
        var options = Options.Create(new DirectoryOptions
        {
            Url = stack.Get("STACK_LDAP_URL"),
            BindDn = stack.Get("STACK_LDAP_WORKER_DN"),
            BindPasswordFile = stack.Get("STACK_LDAP_WORKER_PASSWORD_FILE"),
            PeopleBase = stack.Get("STACK_PEOPLE_BASE"),
            CertificateRepositoryBase = stack.Get("STACK_CERT_REPOSITORY_BASE"),
            MaxConnections = Writers,
        });

        using var probe = new DirectoryProbe();
        var uids = Enumerable.Range(0, tokens).Select(_ => probe.CreatePerson()).ToList();
        try
        {
            return await MeasureAsync(options, stack, probe, uids, cancellationToken);
        }
        finally
        {
            // Thousands of people without a token make every unindexed (shrTok=*) search of the shared
            // stack look through more than nsslapd-lookthroughlimit entries: they go again.
            foreach (var uid in uids) probe.DeletePerson(uid);
        }
    }

    private static async Task<int> MeasureAsync(IOptions<DirectoryOptions> options, StackEnvironment stack, DirectoryProbe probe, List<string> uids,
        CancellationToken cancellationToken)
    {
        var tokens = uids.Count;
        using (var store = new LdapDirectoryStore(options, NullLogger<LdapDirectoryStore>.Instance))
        {
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < uids.Count)
                {
                    var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(TokenBytes));
                    var issued = TokenMetadata.ToSeconds(DateTimeOffset.UtcNow.AddHours(-1));
                    await store.StoreEnrollmentTokenAsync(uids[i], token,
                        new TokenMetadata(TokenDigest.Sha256Hex(token), issued, issued.AddMinutes(59).AddSeconds(59), $"bench-{i}", "bench", null), cancellationToken);
                }
            }, cancellationToken)));
            Console.WriteLine($"expiry: {tokens} expired tokens written in {clock.Elapsed.TotalSeconds:0.00} s ({Writers} connections)");
        }

        using var directory = new LdapTokenLifecycleDirectory(options, NullLogger<LdapTokenLifecycleDirectory>.Instance);
        var events = new CountingTokenEvents();
        var sweeper = new TokenExpiry(directory, events,
            Options.Create(new LifecycleOptions { CertificateBase = stack.Get("STACK_CERT_REPOSITORY_BASE") }), TimeProvider.System,
            NullLogger<TokenExpiry>.Instance);

        // A large backlog comes in parts: 389 DS lists at most about nsslapd-idlistscanlimit entries of a
        // range, so each sweep removes a part and the next goes on. Sweeps until one finds nothing.
        var total = Stopwatch.StartNew();
        var removed = 0;
        for (var round = 1; round <= 50; round++)
        {
            var sweep = Stopwatch.StartNew();
            var result = await sweeper.SweepAsync(cancellationToken);
            sweep.Stop();
            removed += result.Removed;
            Console.WriteLine($"expiry: sweep {round}: found {result.Found}, removed {result.Removed}, gone {result.Gone}, skipped {result.Skipped} " +
                $"in {sweep.Elapsed.TotalSeconds:0.00} s ({result.Removed / Math.Max(sweep.Elapsed.TotalSeconds, 0.001):0} tokens/s, one connection)");
            if (result.Found == 0) break;
        }
        Console.WriteLine($"expiry: {removed} removed in {total.Elapsed.TotalSeconds:0.00} s, {events.Expired} events (counted, not published); the last sweep is the idle cost");

        var left = uids.Count(uid => probe.EnrollmentTokens(uid).Count > 0);
        Console.WriteLine($"expiry: tokens of this run left: {left}");
        return left == 0 ? 0 : 1;
    }
}
