using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Delivery;

/// <summary>Runs the real <c>openssl</c> command line, the tool a hand-off service would use to open notices.</summary>
internal static class OpenSsl
{
    /// <summary>Exit code, raw standard output (bytes: a passphrase must match exactly), standard error.</summary>
    public static ProcessRun Run(params string[] args) => ProcessRun.Run("openssl", args);

    /// <summary>Runs openssl and fails the test with its error output unless it exits 0.</summary>
    public static byte[] Succeed(params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.True(exit == 0, $"openssl {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }
}
