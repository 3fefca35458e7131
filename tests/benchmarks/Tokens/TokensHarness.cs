using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tokens;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Benchmarks.Tokens;

/// <summary>
/// Tokens per second: the software encryptor, and the stack's SoftHSM2 token at 1, 2 and 4 pooled
/// sessions, for both key wraps (OAEP on SoftHSM2 through Hsm:AllowSoftwareKeyWrap, which it needs).
/// Many callers at once, as the daemon's workers would be; every run checks one token decrypts.
/// </summary>
internal sealed class TokensHarness : IHarness
{
    private const int DefaultSeconds = 3;
    private const int DefaultCallers = 16;
    private const int PassphraseLength = 20;
    private const int ProbeAttempts = 30;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(2);
    private static readonly int[] DefaultSessions = [1, 2, 4];

    public string Name => "tokens";

    public string Description => "tokens/s: software, and SoftHSM2 at 1, 2, 4 sessions, both wraps (args: [--seconds N] [--callers N] [--sessions 1,2,4] [--env stack.env])";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = DefaultSeconds;
        var callers = DefaultCallers;
        var sessions = DefaultSessions;
        string? envPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s > 0:
                    seconds = s; i++; break;
                case "--callers" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var c) && c > 0:
                    callers = c; i++; break;
                case "--sessions" when i + 1 < args.Length:
                    sessions = args[++i].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--env" when i + 1 < args.Length:
                    envPath = args[++i]; break;
                default:
                    Console.Error.WriteLine($"tokens: unknown or incomplete argument '{args[i]}'.");
                    return 2;
            }
        }
        var stack = StackEnvironment.Load(envPath);
        // SoftHSM2 reads SOFTHSM2_CONF with getenv in C_Initialize; .NET's SetEnvironmentVariable does not reach it.
        NativeEnvironment.Set("SOFTHSM2_CONF", stack.Get("STACK_SOFTHSM2_CONF"));
        var certificate = IssuanceProtectionKey.FromFile(stack.Get("STACK_ISSUANCE_PROTECTION_CERT"), "STACK_ISSUANCE_PROTECTION_CERT");
        var duration = TimeSpan.FromSeconds(seconds);

        Console.WriteLine($"tokens/s, {callers} concurrent callers, {seconds} s each, {Environment.ProcessorCount} CPUs, RSA-{certificate.Modulus.Length * 8}");
        Console.WriteLine($"{"encryptor",-34} {"wrap",-6} {"sessions",8} {"tokens",8} {"tokens/s",10} {"p50 ms",8} {"p99 ms",8} {"transient",9}");
        foreach (var keyWrap in new[] { KeyWrap.Pkcs1, KeyWrap.Oaep })
        {
            await using var software = new SoftwareTokenEncryptor(certificate, keyWrap);
            await MeasureAsync("software", keyWrap, "-", software, callers, duration, stack, cancellationToken);
        }
        foreach (var keyWrap in new[] { KeyWrap.Pkcs1, KeyWrap.Oaep })
        {
            foreach (var count in sessions)
            {
                var options = new HsmOptions
                {
                    Library = stack.Get("STACK_HSM_LIBRARY"),
                    TokenLabel = stack.Get("STACK_HSM_TOKEN_LABEL"),
                    PinFile = stack.Get("STACK_HSM_PIN_FILE"),
                    MaxSessions = count,
                    AllowSoftwareKeyWrap = keyWrap == KeyWrap.Oaep,
                    SessionWaitTimeout = TimeSpan.FromMinutes(1),
                };
                await using var hsm = new Pkcs11TokenEncryptor(options, keyWrap, certificate, NullLogger.Instance);
                await ProbeWhenPresentAsync(hsm, cancellationToken);
                var name = hsm.Mode == Pkcs11WrapMode.Software ? "softhsm2 (software wrap)" : "softhsm2";
                await MeasureAsync(name, keyWrap, count.ToString(CultureInfo.InvariantCulture), hsm, callers, duration, stack, cancellationToken);
            }
        }
        return 0;
    }

    private static async Task MeasureAsync(string name, KeyWrap keyWrap, string sessions, ITokenEncryptor encryptor, int callers, TimeSpan duration, StackEnvironment stack, CancellationToken cancellationToken)
    {
        var generator = new PassphraseGenerator(encryptor, PassphraseLength, 0);
        // Warm-up: the first call opens sessions and JITs the path; it is also the correctness check.
        var sample = await generator.GenerateAsync(cancellationToken);
        using (var decryptor = SharedTokenDecryptor.FromKeyFile(stack.Get("STACK_ISSUANCE_PROTECTION_KEY"), keyWrap))
        {
            if (!decryptor.Decrypt(await encryptor.EncryptAsync(sample, cancellationToken)).AsSpan().SequenceEqual(sample))
                throw new InvalidOperationException($"{name}/{keyWrap}: a token did not decrypt to its passphrase.");
        }
        var latencies = new List<double>[callers];
        var transient = 0;
        var clock = Stopwatch.StartNew();
        var end = duration;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = callers, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, callers, parallel, async (caller, ct) =>
        {
            var mine = latencies[caller] = [];
            while (clock.Elapsed < end)
            {
                var started = clock.Elapsed;
                try
                {
                    // Each token as the daemon makes it: passphrase from the encryptor's randomness, then the token.
                    var passphrase = await generator.GenerateAsync(ct);
                    await encryptor.EncryptAsync(passphrase, ct);
                    mine.Add((clock.Elapsed - started).TotalMilliseconds);
                }
                catch (HsmUnavailableException)
                {
                    // The daemon would retry; counted, not timed.
                    Interlocked.Increment(ref transient);
                }
            }
        });
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-34} {keyWrap,-6} {sessions,8} {all.Length,8} {all.Length / elapsed,10:F0} {Percentile(all, 0.50),8:F2} {Percentile(all, 0.99),8:F2} {transient,9}"));
    }

    /// <summary>Waits (a minute at most) while the token is away, e.g. during a fault test's <c>stack stop hsm</c>.</summary>
    private static async Task ProbeWhenPresentAsync(ITokenEncryptor encryptor, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await encryptor.ProbeAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is TokenEngineException or HsmUnavailableException && attempt < ProbeAttempts)
            {
                Console.Error.WriteLine($"waiting for the HSM: {e.Message}");
                await Task.Delay(ProbeInterval, cancellationToken);
            }
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
