using System.CommandLine;

namespace ShrTok;

/// <summary>Root of the shrtok command line (docs/cli.md).</summary>
internal static class Cli
{
    /// <summary>Exit code: success.</summary>
    public const int ExitOk = 0;
    /// <summary>Exit code: a request (or a decryption) failed.</summary>
    public const int ExitFailed = 1;
    /// <summary>Exit code: bad usage or input.</summary>
    public const int ExitUsage = 2;

    /// <summary>Every verb, one factory each; a command file adds itself here with one line.</summary>
    private static IEnumerable<Command> Commands() =>
    [
        global::ShrTok.Commands.TokenCommand.Create(),
        global::ShrTok.Commands.DecryptCommand.Create(),
        global::ShrTok.Commands.SubmitCommand.Create(),
        global::ShrTok.Commands.OpenNoticeCommand.Create(),
        global::ShrTok.Commands.BatchCommand.Create(),
        global::ShrTok.Commands.BatchStatusCommand.Create(),
        global::ShrTok.Commands.AuditCommand.Create(),
        global::ShrTok.Commands.TokensCommand.Create(),
        global::ShrTok.Commands.ReissueCommand.Create(),
    ];

    public static int Run(string[] args)
    {
        var root = new RootCommand("shrtok: CMC shared tokens for Dogtag PKI, by hand or through SharedSecretWorker.");
        foreach (var command in Commands()) root.Subcommands.Add(command);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // System.CommandLine would exit 1 on a parse error; the contract says 2 for bad usage.
            foreach (var error in result.Errors) Console.Error.WriteLine($"shrtok: {error.Message}");
            return ExitUsage;
        }
        return result.Invoke();
    }
}
