namespace SharedSecretWorker.Tests.Unit.Tokens;

/// <summary>Runs shrtok in-process and captures what it writes.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args) => OfWithInput(null, args);

    public static CliRun OfWithInput(byte[]? standardInput, params string[] args)
    {
        var originalOut = Console.Out;
        var originalError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        ShrTok.Commands.TokenCommand.StandardInputOverride = standardInput is null ? null : () => new MemoryStream(standardInput);
        try
        {
            var code = ShrTok.Cli.Run(args);
            return new CliRun(code, output.ToString(), error.ToString());
        }
        finally
        {
            ShrTok.Commands.TokenCommand.StandardInputOverride = null;
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
