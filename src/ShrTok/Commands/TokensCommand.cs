using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;
using ShrTok.OutstandingTokens;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok tokens [--expiring-within SPAN] [--older-than SPAN] [--wrapped-to CERT] [--json]</c>: every
/// token now in the directory where the CA would read it, with its age, expiry, request id and the
/// certificate it was wrapped to (docs/token-lifecycle.md, "Outstanding tokens"). Reads the directory with
/// the daemon's <c>Directory</c> settings; prints digests, never a token.
/// </summary>
internal static class TokensCommand
{
    public static Command Create()
    {
        var command = new Command("tokens", "List the tokens now in the directory: age, expiry, request id, the certificate they were wrapped to.");
        var expiringWithin = new Option<string>("--expiring-within") { Description = "Only tokens that expire within this span from now, or are past their expiry (90s, 30m, 12h, 7d)." };
        var olderThan = new Option<string>("--older-than") { Description = "Only tokens issued longer ago than this span (tokens of unknown age are listed too)." };
        var wrappedTo = new Option<FileInfo>("--wrapped-to") { Description = "Only tokens wrapped to this issuance protection certificate (PEM or DER file)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };
        command.Options.Add(expiringWithin);
        command.Options.Add(olderThan);
        command.Options.Add(wrappedTo);
        command.Options.Add(json);
        command.SetAction(parse => Run(parse.GetValue(expiringWithin), parse.GetValue(olderThan), parse.GetValue(wrappedTo), parse.GetValue(json))
            .GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> Run(string? expiringWithinText, string? olderThanText, FileInfo? wrappedToFile, bool json)
    {
        TimeSpan? expiringWithin = null, olderThan = null;
        if (expiringWithinText is not null)
        {
            if (!DurationText.TryParse(expiringWithinText, out var span)) return Usage($"--expiring-within '{expiringWithinText}' is not a span such as 30m, 12h or 7d.");
            expiringWithin = span;
        }
        if (olderThanText is not null)
        {
            if (!DurationText.TryParse(olderThanText, out var span)) return Usage($"--older-than '{olderThanText}' is not a span such as 30m, 12h or 7d.");
            olderThan = span;
        }
        string? wrappedTo = null;
        if (wrappedToFile is not null)
        {
            if (!CertificateFingerprint.TryRead(wrappedToFile.FullName, out wrappedTo, out var problem)) return Usage($"--wrapped-to: {problem}");
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

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddDirectoryStore(configuration);
        await using var provider = services.BuildServiceProvider();
        using var interrupt = new ConsoleInterrupt();
        var now = DateTimeOffset.UtcNow;
        var filter = new OutstandingTokenFilter(now, expiringWithin, olderThan, wrappedTo);
        int listed = 0, overdue = 0, unrecorded = 0;
        try
        {
            var reader = provider.GetRequiredService<IOutstandingTokenReader>();
            if (!json) Console.Out.WriteLine(OutstandingTokenTable.Header());
            await foreach (var token in reader.ReadAllAsync(interrupt.Token).ConfigureAwait(false))
            {
                if (!filter.Matches(token)) continue;
                listed++;
                if (token.IsOverdueAt(now)) overdue++;
                if (token.Metadata is null) unrecorded++;
                Console.Out.WriteLine(json ? OutstandingTokenJson.Line(token, now) : OutstandingTokenTable.Row(token, now));
            }
        }
        catch (OptionsValidationException ex)
        {
            return Usage($"configuration: {ex.Message}");
        }
        catch (DirectoryException ex)
        {
            Console.Error.WriteLine($"shrtok tokens: {ex.Message}");
            return Cli.ExitFailed;
        }
        catch (OperationCanceledException) when (interrupt.IsRequested)
        {
            Console.Error.WriteLine("shrtok tokens: interrupted; the list above is incomplete.");
            return Cli.ExitFailed;
        }
        if (!json) Console.Out.WriteLine(OutstandingTokenTable.Summary(listed, overdue, unrecorded));
        return Cli.ExitOk;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"shrtok tokens: {message}");
        return Cli.ExitUsage;
    }
}
