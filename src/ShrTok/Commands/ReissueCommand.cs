using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tokens;
using ShrTok.Batching;
using ShrTok.Reissuing;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok reissue --wrapped-to OLD.crt --channel CH [--address-attribute mail] [--include-unrecorded]
/// [--batch-id ID] [--dry-run] [--wait] [--report FILE] [--rate N]</c>: after the CA's issuance protection key
/// changed, every outstanding token wrapped to the old certificate no longer opens (the CA loads one key and
/// tries only it), so each such target gets a new passphrase and notice, sent as a bulk batch with the batch
/// command's progress, journal and report (docs/token-lifecycle.md, "Re-key"). An operator's command rather
/// than something the daemon does at start: the workers of a site restart one by one, each would see the
/// change, and a re-key must be one decision, taken once, after the new certificate is installed everywhere.
/// </summary>
internal static class ReissueCommand
{
    /// <summary>The entry attribute the new passphrase's address is read from, unless told otherwise.</summary>
    public const string DefaultAddressAttribute = "mail";

    public static Command Create()
    {
        var command = new Command("reissue", "Give every target whose token was wrapped to an old issuance protection certificate a new passphrase and notice, as a bulk batch.");
        var wrappedTo = new Option<FileInfo>("--wrapped-to") { Description = "The old issuance protection certificate (PEM or DER).", Required = true };
        var channel = new Option<string>("--channel") { Description = "The delivery channel of the new notices.", Required = true };
        var addressAttribute = new Option<string>("--address-attribute") { Description = $"The holder's entry attribute that holds the address (default {DefaultAddressAttribute})." };
        var includeUnrecorded = new Option<bool>("--include-unrecorded") { Description = "Also reissue tokens with no record of the certificate they were wrapped to (written before records were kept, or by hand)." };
        var batchId = new Option<string>("--batch-id") { Description = "Batch id prefix (default reissue-<UTC time>); -enrollment and -revocation are appended." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be reissued." };
        var wait = new Option<bool>("--wait") { Description = "Wait for every result, with progress; exit 0 when all are stored." };
        var report = new Option<string>("--report") { Description = "Write each batch's per-row report to this file, with -enrollment or -revocation before its extension." };
        var rate = new Option<double?>("--rate") { Description = "Publish at most this many requests per second." };
        foreach (var option in new Option[] { wrappedTo, channel, addressAttribute, includeUnrecorded, batchId, dryRun, wait, report, rate }) command.Options.Add(option);
        command.SetAction(parse => Run(new Settings(parse.GetValue(wrappedTo)!, parse.GetValue(channel)!, parse.GetValue(addressAttribute) ?? DefaultAddressAttribute,
            parse.GetValue(includeUnrecorded), parse.GetValue(batchId), parse.GetValue(dryRun), parse.GetValue(wait), parse.GetValue(report), parse.GetValue(rate))));
        return command;
    }

    private sealed record Settings(FileInfo WrappedTo, string Channel, string AddressAttribute, bool IncludeUnrecorded, string? BatchId, bool DryRun, bool Wait,
        string? Report, double? Rate);

    private static int Run(Settings settings)
    {
        if (!CertificateFingerprint.TryRead(settings.WrappedTo.FullName, out var old, out var problem)) return Usage($"--wrapped-to: {problem}");
        var batchPrefix = settings.BatchId ?? "reissue-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        if (BatchRequestIds.BatchIdProblem(batchPrefix + "-enrollment") is { } idProblem) return Usage($"--batch-id: {idProblem}");
        IConfiguration configuration;
        try
        {
            configuration = CliConfiguration.Load();
        }
        catch (InvalidDataException ex)
        {
            return Usage($"configuration: {ex.Message}");
        }

        // A re-key while the workers still wrap to the old certificate would hand out tokens that fail the same way.
        var current = configuration[$"{TokenOptions.SectionName}:{nameof(TokenOptions.IssuanceProtectionCertificateFile)}"];
        if (!string.IsNullOrWhiteSpace(current))
        {
            if (!CertificateFingerprint.TryRead(current, out var currentFingerprint, out var currentProblem))
                return Usage($"{TokenOptions.SectionName}:{nameof(TokenOptions.IssuanceProtectionCertificateFile)}: {currentProblem}");
            if (string.Equals(currentFingerprint, old, StringComparison.Ordinal))
                return Usage($"the workers still wrap tokens to {settings.WrappedTo.Name} ({TokenOptions.SectionName}:{nameof(TokenOptions.IssuanceProtectionCertificateFile)} "
                    + "is that certificate): install the CA's new issuance protection certificate there, restart the workers, then reissue.");
        }
        else
        {
            Console.Error.WriteLine($"shrtok reissue: {TokenOptions.SectionName}:{nameof(TokenOptions.IssuanceProtectionCertificateFile)} is empty (the certificate is in the HSM): "
                + "not checked that the workers wrap to the new certificate; make sure they do.");
        }

        ReissuePlan plan;
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddDirectoryStore(configuration);
        using (var provider = services.BuildServiceProvider())
        {
            try
            {
                plan = ReissuePlan.MakeAsync(provider.GetRequiredService<IOutstandingTokenReader>(), old!, settings.IncludeUnrecorded, settings.Channel,
                    settings.AddressAttribute, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (OptionsValidationException ex)
            {
                return Usage($"configuration: {ex.Message}");
            }
            catch (DirectoryException ex)
            {
                Console.Error.WriteLine($"shrtok reissue: {ex.Message}");
                return Cli.ExitFailed;
            }
        }

        var enrollments = plan.Of(RequestKind.Enrollment).ToList();
        var revocations = plan.Of(RequestKind.Revocation).ToList();
        Console.Out.WriteLine($"shrtok reissue: {enrollments.Count} enrollment and {revocations.Count} revocation token(s) wrapped to {settings.WrappedTo.Name} (SHA-256 {old![..12]}…)"
            + (plan.Unrecorded > 0 ? $"; {plan.Unrecorded} token(s) without a record left out (--include-unrecorded adds them)" : "")
            + (plan.Skipped.Count > 0 ? $"; {plan.Skipped.Count} cannot be reissued:" : "."));
        foreach (var skip in plan.Skipped) Console.Out.WriteLine($"  skipped {skip.Kind.ToWireName()} {skip.Target}: {skip.Reason}");
        if (settings.DryRun)
        {
            foreach (var row in plan.Rows) Console.Out.WriteLine($"  would reissue {row.Kind.ToWireName()} {row.Target} (token {row.TokenSha256[..12]}) via {row.Channel}");
            return Cli.ExitOk;
        }

        var exit = Cli.ExitOk;
        foreach (var (kind, rows) in new[] { (RequestKind.Enrollment, enrollments), (RequestKind.Revocation, revocations) })
        {
            if (rows.Count == 0) continue;
            var batchId = $"{batchPrefix}-{kind.ToWireName()}";
            var stateRoot = (configuration.GetSection(BatchOptions.SectionName).Get<BatchOptions>() ?? new BatchOptions()).EffectiveStateDirectory();
            System.IO.Directory.CreateDirectory(stateRoot);
            var file = Path.Combine(stateRoot, batchId + ".csv");
            ReissueFile.Write(file, kind, rows);
            var report = settings.Report is null ? null
                : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Report))!,
                    Path.GetFileNameWithoutExtension(settings.Report) + "-" + kind.ToWireName() + Path.GetExtension(settings.Report));
            Console.Out.WriteLine($"shrtok reissue: batch {batchId}: {rows.Count} request(s) from {file}");
            var code = BatchConsole.Run((runner, interrupt) => runner.RunAsync(new BatchRunRequest(file, settings.Wait, report, batchId, settings.Rate, false), interrupt));
            exit = Math.Max(exit, code);
        }
        return plan.Skipped.Count > 0 ? Math.Max(exit, Cli.ExitFailed) : exit;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"shrtok reissue: {message}");
        return Cli.ExitUsage;
    }
}
