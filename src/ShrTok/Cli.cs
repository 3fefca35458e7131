using System.CommandLine;

namespace ShrTok;

/// <summary>Root of the shrtok command line (contract: Command line).</summary>
internal static class Cli
{
    /// <summary>Exit code: success.</summary>
    public const int ExitOk = 0;
    /// <summary>Exit code: a request (or a decryption) failed.</summary>
    public const int ExitFailed = 1;
    /// <summary>Exit code: bad usage or input.</summary>
    public const int ExitUsage = 2;

    public static int Run(string[] args)
    {
        var root = new RootCommand("shrtok: CMC shared tokens for Dogtag PKI, by hand or through SharedSecretWorker.");
        var result = root.Parse(args);
        var code = result.Invoke();
        // System.CommandLine reports parse errors with exit code 1; the contract says 2.
        return result.Errors.Count > 0 ? ExitUsage : code;
    }
}
