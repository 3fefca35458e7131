using System.CommandLine;
using ShrTok.Batching;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok batch FILE.csv [--wait] [--report FILE] [--batch-id ID] [--rate N] [--reissue]</c>:
/// bulk onboarding (docs/cli.md). Exit 0 when every row is stored (or, without --wait,
/// when every row was published), 1 when a row failed or the run was stopped, 2 when the file is
/// wrong (then nothing is sent).
/// </summary>
internal static class BatchCommand
{
    public static Command Create()
    {
        var command = new Command("batch", "Send a CSV file of requests (uid,channel,address or serial,channel,address) on the bulk lane, validated as a whole first.");
        var file = new Argument<string>("FILE") { Description = "CSV with a header: uid,channel,address (enrollments) or serial,channel,address (revocations)." };
        var wait = new Option<bool>("--wait") { Description = "Wait for every result, with live progress; exit 0 when all are stored, 1 when any failed." };
        var report = new Option<string>("--report") { Description = "Write the per-row report (the input columns, then requestId,status,code,message) to this file." };
        var batchId = new Option<string>("--batch-id") { Description = "Batch id (request ids derive from it; the same id makes a re-run safe). Default: from the file's content." };
        var rate = new Option<double?>("--rate") { Description = "Publish at most this many requests per second." };
        var reissue = new Option<bool>("--reissue") { Description = "Send every row again under new request ids: new passphrases, even for rows already stored." };
        command.Arguments.Add(file);
        command.Options.Add(wait);
        command.Options.Add(report);
        command.Options.Add(batchId);
        command.Options.Add(rate);
        command.Options.Add(reissue);
        command.SetAction(parse => BatchConsole.Run((runner, interrupt) => runner.RunAsync(
            new BatchRunRequest(parse.GetValue(file)!, parse.GetValue(wait), parse.GetValue(report), parse.GetValue(batchId), parse.GetValue(rate), parse.GetValue(reissue)),
            interrupt)));
        return command;
    }
}
