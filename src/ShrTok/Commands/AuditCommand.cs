using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using ShrTok.Auditing;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok audit [--since T] [--uid U] [--request-id R] [--batch-id B] [--json] [--follow]</c>: reads the
/// audit stream (docs/audit.md) and prints its records, a table or CADF JSON lines. Records not published by
/// the workers' user are skipped with a warning: only the workers' user_id is validated by the broker as
/// theirs, so anything else on the results exchange (a producer's batch.completed, a forgery) is no record.
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Show the audit trail: every issue, clear, consumption, expiry and failure the workers recorded.");
        var since = new Option<string>("--since") { Description = "Only records from this time on: ISO 8601 (UTC unless it says otherwise) or a span back from now (90s, 30m, 12h, 7d)." };
        var uid = new Option<string>("--uid") { Description = "Only records of this user (compared as the directory compares uids)." };
        var requestId = new Option<string>("--request-id") { Description = "Only records of this request id." };
        var batchId = new Option<string>("--batch-id") { Description = "Only records of this batch id." };
        var json = new Option<bool>("--json") { Description = "One CADF JSON object per line instead of a table." };
        var follow = new Option<bool>("--follow") { Description = "Keep reading new records until interrupted (Ctrl-C)." };
        command.Options.Add(since);
        command.Options.Add(uid);
        command.Options.Add(requestId);
        command.Options.Add(batchId);
        command.Options.Add(json);
        command.Options.Add(follow);
        command.SetAction(parse => Run(parse.GetValue(since), new AuditFilter(null, parse.GetValue(uid), parse.GetValue(requestId), parse.GetValue(batchId)),
            parse.GetValue(json), parse.GetValue(follow)).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> Run(string? sinceText, AuditFilter filter, bool json, bool follow)
    {
        if (sinceText is not null)
        {
            if (!SinceParser.TryParse(sinceText, DateTimeOffset.UtcNow, out var start))
                return Usage($"--since '{sinceText}' is neither an ISO 8601 time nor a span such as 30m, 12h or 7d.");
            filter = filter with { Since = start };
        }
        IConfiguration configuration;
        try
        {
            configuration = CliConfiguration.Load();
        }
        catch (InvalidDataException ex)
        {
            return Usage($"configuration: {ex.Message}");
        }

        using var interrupt = new ConsoleInterrupt();
        var skipped = 0;
        string? firstSkipped = null;
        try
        {
            await using var reader = await AuditStreamReader.ConnectAsync(configuration, interrupt.Token).ConfigureAwait(false);
            if (!json) Console.Out.WriteLine(AuditTable.Header());
            await reader.ReadAsync(filter.Since, follow, entry =>
            {
                if (!string.Equals(entry.UserId, reader.WorkerUser, StringComparison.Ordinal))
                {
                    skipped++;
                    firstSkipped ??= $"offset {entry.Offset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, routing key '{entry.RoutingKey}', user_id '{entry.UserId ?? "(none)"}'";
                    return;
                }
                AuditRecord record;
                try
                {
                    record = AuditMapping.Map(entry);
                }
                catch (JsonException)
                {
                    Console.Error.WriteLine($"shrtok audit: the record at offset {entry.Offset} ('{entry.RoutingKey}') is not JSON; skipped.");
                    return;
                }
                if (!filter.Matches(record)) return;
                Console.Out.WriteLine(json ? record.ToJson() : AuditTable.Row(record));
            }, interrupt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupt.IsRequested)
        {
            // Ctrl-C ends --follow: what was printed stands.
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"shrtok audit: {ex.Message}");
            return Cli.ExitFailed;
        }
        if (skipped > 0)
            Console.Error.WriteLine($"shrtok audit: skipped {skipped} message(s) not published by the workers' user; the first: {firstSkipped}.");
        return Cli.ExitOk;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"shrtok audit: {message}");
        return Cli.ExitUsage;
    }
}
