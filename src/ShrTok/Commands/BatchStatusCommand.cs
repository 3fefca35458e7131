using System.CommandLine;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok batch-status ID [--wait] [--report FILE]</c>: collects the results of a batch that
/// arrived while nobody waited (no --wait, Ctrl-C), prints its counts, and with --wait waits for the rest.
/// </summary>
internal static class BatchStatusCommand
{
    public static Command Create()
    {
        var command = new Command("batch-status", "Show (and with --wait, wait for) the results of a batch sent by shrtok batch.");
        var id = new Argument<string>("ID") { Description = "The batch id shrtok batch printed." };
        var wait = new Option<bool>("--wait") { Description = "Wait until every row has its result." };
        var report = new Option<string>("--report") { Description = "Write the per-row report to this file." };
        command.Arguments.Add(id);
        command.Options.Add(wait);
        command.Options.Add(report);
        command.SetAction(parse => BatchConsole.Run((runner, interrupt) => runner.StatusAsync(parse.GetValue(id)!, parse.GetValue(wait), parse.GetValue(report), interrupt)));
        return command;
    }
}
