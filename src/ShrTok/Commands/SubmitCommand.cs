using System.CommandLine;
using System.Text.Json;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using ShrTok.Submitting;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok submit enrollment|revocation|clear ...</c>: sends one request to the worker; with
/// <c>--wait</c>, prints its result and exits 0 (stored or cleared) or 1 (failed).
/// </summary>
internal static class SubmitCommand
{
    /// <summary>Default wait for a result with --wait.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var submit = new Command("submit", "Send one request to SharedSecretWorker through RabbitMQ.");
        submit.Subcommands.Add(Kind(RequestKindNames.Enrollment, "Issue an enrollment token for a user (shrTok on the user's entry).", target: "--uid", delivery: true));
        submit.Subcommands.Add(Kind(RequestKindNames.Revocation, "Issue a revocation token for a certificate (revShrTok in its record's metaInfo).", target: "--serial", delivery: true));
        submit.Subcommands.Add(Kind(RequestKindNames.Clear, "Remove the token of a user (--uid) or of a certificate (--serial).", target: null, delivery: false));
        return submit;
    }

    private static Command Kind(string kind, string description, string? target, bool delivery)
    {
        var command = new Command(kind, description);
        var uid = new Option<string>("--uid") { Description = "The user's uid (as the CA's identification).", Required = target == "--uid" };
        var serial = new Option<string>("--serial") { Description = "Certificate serial, decimal or 0x hex.", Required = target == "--serial" };
        var channel = new Option<string>("--channel") { Description = "Delivery channel (a name under Delivery:Channels).", Required = delivery };
        var address = new Option<string>("--address") { Description = "Where the hand-off service sends the passphrase.", Required = delivery };
        var requestId = new Option<string>("--request-id") { Description = "Idempotency key (default: a new one)." };
        var batchId = new Option<string>("--batch-id") { Description = "Send on the bulk lane as part of this batch." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the result; exit 0 when stored or cleared, 1 when failed." };
        var lifetime = new Option<string>("--lifetime") { Description = "The token expires this long after it is written, unless used first (90s, 30m, 12h, 7d; at most Token:MaxLifetime)." };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long --wait waits (default 00:01:00).", DefaultValueFactory = _ => DefaultTimeout };
        if (target != "--serial") command.Options.Add(uid);
        if (target != "--uid") command.Options.Add(serial);
        if (delivery)
        {
            command.Options.Add(channel);
            command.Options.Add(address);
            command.Options.Add(lifetime);
        }
        command.Options.Add(requestId);
        command.Options.Add(batchId);
        command.Options.Add(wait);
        command.Options.Add(timeout);
        command.SetAction(parse => Run(kind,
            target == "--serial" ? null : parse.GetValue(uid),
            target == "--uid" ? null : parse.GetValue(serial),
            parse.GetValue(channel), parse.GetValue(address),
            parse.GetValue(requestId) ?? RequestBody.NewRequestId(), parse.GetValue(batchId), delivery ? parse.GetValue(lifetime) : null,
            parse.GetValue(wait), parse.GetValue(timeout)).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> Run(string kind, string? uid, string? serial, string? channel, string? address,
        string requestId, string? batchId, string? lifetimeText, bool wait, TimeSpan timeout)
    {
        if (kind == RequestKindNames.Clear && (uid is null) == (serial is null))
            return Usage("clear takes exactly one of --uid or --serial.");
        int? lifetimeSeconds = null;
        if (lifetimeText is not null)
        {
            if (!DurationText.TryParse(lifetimeText, out var lifetime) || lifetime.TotalSeconds is < 1 or > int.MaxValue)
                return Usage($"--lifetime '{lifetimeText}' is not a span of at least a second such as 90s, 30m, 12h or 7d.");
            lifetimeSeconds = (int)lifetime.TotalSeconds;
        }

        var configuration = CliConfiguration.Load();
        var body = RequestBody.Write(kind, requestId, uid, serial, channel, address, batchId, lifetimeSeconds);
        // Checked with the worker's own rules first, so a bad request fails here with exit 2.
        var parsed = ConfiguredParser.For(configuration).Parse(body, requestId);
        if (!parsed.Succeeded) return Usage($"{parsed.Rejection.Code}: {parsed.Rejection.Message}");

        using var cancel = new CancellationTokenSource(wait ? timeout + TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(30));
        try
        {
            await using var producer = await RequestProducer.ConnectAsync(configuration, cancel.Token).ConfigureAwait(false);
            Task<ResultMessage>? result = null;
            if (wait)
            {
                await producer.ListenForResultsAsync(cancel.Token).ConfigureAwait(false);
                result = producer.ResultOf(requestId);
            }
            await producer.PublishAsync(requestId, kind, batchId is not null, body, cancel.Token).ConfigureAwait(false);
            if (result is null)
            {
                Console.Out.WriteLine(requestId);
                return Cli.ExitOk;
            }
            var done = await result.WaitAsync(timeout, cancel.Token).ConfigureAwait(false);
            Console.Out.WriteLine(JsonSerializer.Serialize(done, MessageJsonContext.Default.ResultMessage));
            return done.Status == ResultStatus.Failed ? Cli.ExitFailed : Cli.ExitOk;
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"shrtok submit: no result for {requestId} within {timeout}; the request was sent and may still complete (is the worker running?).");
            return Cli.ExitFailed;
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"shrtok submit: {ex.Message}");
            return Cli.ExitFailed;
        }
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"shrtok submit: {message}");
        return Cli.ExitUsage;
    }
}
