using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using SharedSecretWorker.Delivery;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Benchmarks.Publishing;

/// <summary>
/// CPU cost of sealing one passphrase for a channel (CMS EnvelopedData, RSA-OAEP to the stack's
/// channel certificate), on one thread: seals per second and microseconds per seal.
/// </summary>
internal sealed class SealHarness : IHarness
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);
    private const int WarmUp = 200;

    public string Name => "seal";

    public string Description => "passphrase seals per second on one thread (CMS, RSA-OAEP-SHA256 to the stack's email channel)";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var stack = StackEnvironment.Load(null);
        using var sealer = new PassphraseSealer(new Dictionary<string, X509Certificate2>
        {
            ["email"] = X509CertificateLoader.LoadCertificateFromFile(stack.Get("STACK_CHANNEL_EMAIL_CERT")),
        });
        var passphrase = "ABCD-EFGH-JKMN-PQRS-TUVW"u8.ToArray();
        for (var i = 0; i < WarmUp; i++) sealer.Seal("email", passphrase);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var count = 0;
        while (clock.Elapsed < Duration && !cancellationToken.IsCancellationRequested)
        {
            sealer.Seal("email", passphrase);
            count++;
        }
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| seals/s (1 thread) | µs wall per seal | µs CPU per seal |\n|---:|---:|---:|\n| {count / clock.Elapsed.TotalSeconds:0} | {clock.Elapsed.TotalMicroseconds / count:0} | {used.TotalMicroseconds / count:0} |"));
        return Task.FromResult(0);
    }
}
