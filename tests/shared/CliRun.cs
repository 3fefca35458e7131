using System.Text;

namespace SharedSecretWorker.Tests.Shared;

/// <summary>
/// Runs shrtok in-process (<c>ShrTok.Cli.Run</c>) and captures what it writes. The console and the
/// environment are process-wide: tests that use it belong to <see cref="ConsoleCollection"/>.
/// (To run a program in its own process, see <see cref="ProcessRun"/>.)
/// </summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args) => Run(args);

    public static CliRun OfWithInput(byte[]? standardInput, params string[] args) => Run(args, standardInput);

    /// <summary>
    /// Runs shrtok with <paramref name="args"/>; <paramref name="standardInput"/> is what it reads as
    /// standard input (Console.In and the token command's input stream), and <paramref name="settings"/>
    /// (configuration keys with ':') are set as environment variables (<c>Section__Key</c>) for the run.
    /// </summary>
    public static CliRun Run(string[] args, byte[]? standardInput = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var variables = (settings ?? new Dictionary<string, string?>()).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        var saved = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        var (originalOut, originalError, originalIn) = (Console.Out, Console.Error, Console.In);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
            Console.SetOut(output);
            Console.SetError(error);
            if (standardInput is not null)
            {
                Console.SetIn(new StreamReader(new MemoryStream(standardInput), Encoding.UTF8));
                ShrTok.Commands.TokenCommand.StandardInputOverride = () => new MemoryStream(standardInput);
            }
            var code = ShrTok.Cli.Run(args);
            return new CliRun(code, output.ToString(), error.ToString());
        }
        finally
        {
            ShrTok.Commands.TokenCommand.StandardInputOverride = null;
            Console.SetOut(originalOut);
            Console.SetError(originalError);
            Console.SetIn(originalIn);
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
