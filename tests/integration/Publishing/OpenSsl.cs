using System.Diagnostics;

namespace SharedSecretWorker.Tests.Integration.Publishing;

/// <summary>Runs the real <c>openssl</c> command line, the tool a hand-off service would use to open notices.</summary>
internal static class OpenSsl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Exit code, raw standard output (bytes: a passphrase must match exactly), standard error.</summary>
    public static (int ExitCode, byte[] Out, string Error) Run(params string[] args)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("openssl did not start: install the openssl package.");
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"openssl {string.Join(' ', args)} ran longer than {Timeout}.");
        }
        copy.GetAwaiter().GetResult();
        return (process.ExitCode, output.ToArray(), error.GetAwaiter().GetResult());
    }

    /// <summary>Runs openssl and fails the test with its error output unless it exits 0.</summary>
    public static byte[] Succeed(params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.True(exit == 0, $"openssl {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }
}
