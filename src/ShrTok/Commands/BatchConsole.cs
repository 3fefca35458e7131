using Microsoft.Extensions.Configuration;
using Spectre.Console;
using ShrTok.Batching;

namespace ShrTok.Commands;

/// <summary>The console side of the batch commands: configuration, Ctrl-C, and a live view only on a terminal.</summary>
internal static class BatchConsole
{
    public static int Run(Func<BatchRunner, CancellationToken, Task<int>> action)
    {
        IConfiguration configuration;
        try
        {
            configuration = CliConfiguration.Load();
        }
        catch (InvalidDataException ex)
        {
            Console.Error.WriteLine($"shrtok batch: configuration: {ex.Message}");
            return Cli.ExitUsage;
        }
        // The first Ctrl-C stops publishing and waiting cleanly (the batch goes on in the worker); a second one ends the process.
        using var interrupt = new ConsoleInterrupt();
        var terminal = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var runner = new BatchRunner(configuration, Console.Out, Console.Error,
            options => terminal
                ? new LiveProgressView(AnsiConsole.Console, TimeProvider.System)
                : new PlainProgressView(Console.Out, options.ProgressInterval, TimeProvider.System),
            TimeProvider.System);
        return action(runner, interrupt.Token).GetAwaiter().GetResult();
    }
}
