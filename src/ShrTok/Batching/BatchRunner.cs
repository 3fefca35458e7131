using System.Globalization;
using Microsoft.Extensions.Configuration;
using ShrTok.Submitting;

using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Batching;

/// <summary>
/// <c>shrtok batch</c> and <c>shrtok batch-status</c>, without the console: configuration, output
/// writers, the progress view and Ctrl-C come from the caller, so tests run it directly.
/// </summary>
internal sealed class BatchRunner(IConfiguration configuration, TextWriter output, TextWriter error, Func<BatchOptions, IBatchProgressView> progress, TimeProvider time)
{
    private const string Name = "shrtok batch";

    /// <summary>How long a stopped run waits for publishes already on the wire to be confirmed.</summary>
    private static readonly TimeSpan ConfirmGrace = TimeSpan.FromSeconds(30);

    /// <summary>How often batch-status --wait looks whether the rows in flight have settled.</summary>
    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(100);

    public async Task<int> RunAsync(BatchRunRequest run, CancellationToken interrupt)
    {
        var options = LoadOptions(out var optionsProblem);
        if (options is null) return Usage(optionsProblem!);
        if (!File.Exists(run.File)) return Usage($"{run.File}: no such file.");
        if (run.BatchId is { } given && BatchRequestIds.BatchIdProblem(given) is { } idProblem) return Usage("--batch-id: " + idProblem);
        if (run.Rate is { } rate && !(rate > 0)) return Usage($"--rate must be a positive number of requests per second, not {rate}.");

        var sha = BatchValidator.FileSha256(run.File);
        var batchId = run.BatchId ?? BatchRequestIds.Default(Convert.FromHexString(sha));
        var folder = BatchStateFolder.PathOf(options.EffectiveStateDirectory(), batchId);
        BatchManifest? earlier;
        try
        {
            earlier = BatchStateFolder.ReadManifest(folder);
        }
        catch (InvalidOperationException ex)
        {
            return Usage(ex.Message);
        }
        var generation = (earlier?.Generation ?? 0) + (run.Reissue && earlier is not null ? 1 : 0);

        var parser = ConfiguredParser.For(configuration);
        var problems = new List<BatchProblem>();
        var plan = new BatchValidator(parser).Validate(run.File, batchId, generation, sha, problems);
        if (plan is null)
        {
            foreach (var problem in problems) error.WriteLine($"{run.File}:{problem.Line}: {problem.Reason}");
            error.WriteLine($"{Name}: nothing was sent: {problems.Count} problem{(problems.Count == 1 ? "" : "s")} in {run.File}.");
            return Cli.ExitUsage;
        }
        if (earlier is not null && earlier.Kind != plan.Kind.ToWireName())
            return Usage($"batch '{batchId}' is a {earlier.Kind} batch and {run.File} holds {plan.Kind.ToWireName()}s; use another --batch-id.");

        var manifest = new BatchManifest(batchId, plan.Kind.ToWireName(), plan.Path, sha, plan.Rows, generation, earlier?.ResultsQueue,
            earlier?.CreatedAt ?? time.GetUtcNow(), CompletionPublished: earlier?.Generation == generation && earlier.CompletionPublished);
        var factory = new BatchRequestFactory(parser, plan.Columns, batchId, generation);
        BatchSession session;
        try
        {
            session = await BatchSession.OpenAsync(configuration, options, folder, plan, manifest, factory, interrupt).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            return Failed(ex.Message);
        }
        await using (session.ConfigureAwait(false))
        {
            var start = session.Outcomes.Snapshot();
            output.WriteLine($"{Name}: {plan.Kind.ToWireName()} batch '{batchId}'{(generation > 0 ? $" (re-issue {generation})" : "")}: {plan.Rows} rows from {run.File}; " +
                $"{start.Stored + start.Cleared} already done by an earlier run, {start.InFlight} still in flight, state in {folder}.");
            // Results already queued decide what is sent: a row whose result is waiting there is final,
            // not to be sent again (with or without --wait).
            await session.CollectResultsAsync(interrupt).ConfigureAwait(false);
            if (!run.Wait) await session.StopCollectingAsync().ConfigureAwait(false);

            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var view = progress(options).ShowAsync($"batch {batchId}", session.Outcomes.Snapshot, stop.Task, interrupt);
            var (published, failure) = await PublishAsync(session, options, run.Rate, interrupt).ConfigureAwait(false);
            session.Journal.Flush();
            // Rows sent again (failed ones) make a new completion, which is announced again.
            if (published > 0 && session.Manifest.CompletionPublished) session.SaveManifest(session.Manifest with { CompletionPublished = false });
            var interrupted = interrupt.IsCancellationRequested;
            if (run.Wait && failure is null && !interrupted)
            {
                try
                {
                    await session.Outcomes.Completion.WaitAsync(interrupt).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    interrupted = true;
                }
            }
            stop.TrySetResult();
            await view.ConfigureAwait(false);
            return await ConcludeAsync(session, run.ReportPath, published, failure, interrupted, waited: run.Wait, run.File).ConfigureAwait(false);
        }
    }

    /// <summary><c>shrtok batch-status ID</c>: collects the results that arrived since, shows the counts; waits for the rest with <paramref name="wait"/>.</summary>
    public async Task<int> StatusAsync(string batchId, bool wait, string? reportPath, CancellationToken interrupt)
    {
        var options = LoadOptions(out var optionsProblem);
        if (options is null) return Usage(optionsProblem!);
        if (BatchRequestIds.BatchIdProblem(batchId) is { } idProblem) return Usage(idProblem);
        var folder = BatchStateFolder.PathOf(options.EffectiveStateDirectory(), batchId);
        BatchManifest? manifest;
        try
        {
            manifest = BatchStateFolder.ReadManifest(folder);
        }
        catch (InvalidOperationException ex)
        {
            return Usage(ex.Message);
        }
        if (manifest is null) return Usage($"no batch '{batchId}' in {options.EffectiveStateDirectory()} (Batch:StateDirectory); it is created by shrtok batch FILE --batch-id {batchId}.");
        if (!File.Exists(manifest.Input)) return Usage($"the input of batch '{batchId}', {manifest.Input}, is gone; results are matched to its rows, so put it back.");
        var parser = ConfiguredParser.For(configuration);
        var problems = new List<BatchProblem>();
        var plan = new BatchValidator(parser).Validate(manifest.Input, batchId, manifest.Generation, BatchValidator.FileSha256(manifest.Input), problems);
        if (plan is null)
            return Usage($"the input of batch '{batchId}', {manifest.Input}, no longer validates (line {problems[0].Line}: {problems[0].Reason}).");
        var factory = new BatchRequestFactory(parser, plan.Columns, batchId, manifest.Generation);
        BatchSession session;
        try
        {
            session = await BatchSession.OpenAsync(configuration, options, folder, plan, manifest, factory, interrupt).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            return Failed(ex.Message);
        }
        await using (session.ConfigureAwait(false))
        {
            var interrupted = false;
            try
            {
                await session.CollectResultsAsync(interrupt).ConfigureAwait(false);
                if (wait && session.Outcomes.Snapshot().InFlight > 0)
                {
                    var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    var view = progress(options).ShowAsync($"batch {batchId}", session.Outcomes.Snapshot, stop.Task, interrupt);
                    try
                    {
                        // Rows never sent (an interrupted run) are not waited for: only a new run sends them.
                        while (session.Outcomes.Snapshot().InFlight > 0) await Task.Delay(SettlePoll, time, interrupt).ConfigureAwait(false);
                    }
                    finally
                    {
                        stop.TrySetResult();
                        await view.ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                interrupted = true;
            }
            return await ConcludeAsync(session, reportPath, published: 0, failure: null, interrupted, waited: wait, manifest.Input).ConfigureAwait(false);
        }
    }

    private async Task<(int Published, string? Failure)> PublishAsync(BatchSession session, BatchOptions options, double? rate, CancellationToken interrupt)
    {
        // Not disposed: a publish still unconfirmed after the grace releases it later.
        var window = new SemaphoreSlim(options.PublishWindow, options.PublishWindow);
        var pacer = new PublishPacer(rate, time);
        string? failure = null;
        var published = 0;
        using (var reader = BatchFileReader.Open(session.Plan.Path, out var problem))
        {
            if (reader is null) return (0, $"{session.Plan.Path} changed since it was validated: {problem?.Reason}");
            foreach (var (record, _) in reader.Records())
            {
                if (Volatile.Read(ref failure) is not null || interrupt.IsCancellationRequested) break;
                if (record.Index >= session.Outcomes.Rows)
                {
                    // Not a return: the publishes already on the wire still need their confirms (below).
                    Interlocked.CompareExchange(ref failure, $"{session.Plan.Path} changed since it was validated.", null);
                    break;
                }
                // Rows done (stored) or on their way (sent, their result comes to the results queue) are not sent again;
                // failed rows are: the worker keeps no memory of failures, so the same request id is tried afresh.
                if (session.Outcomes.StateOf(record.Index) is not (RowState.NotSent or RowState.Failed)) continue;
                var (id, body, _) = session.Factory.Build(record);
                try
                {
                    await pacer.WaitTurnAsync(interrupt).ConfigureAwait(false);
                    await window.WaitAsync(interrupt).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                // Journaled before the publish, and handed to the operating system at once (a crash
                // of this process loses nothing written): a later run then never sends it blindly
                // again, which would issue a second passphrase; its result comes to the queue.
                session.Outcomes.Set(record.Index, RowState.Sent);
                session.Journal.Write(BatchJournalStatus.Sent, id, flush: true);
                published++;
                var row = record.Index;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await session.Producer.PublishAsync(id, session.KindName, bulk: true, body, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (RequestNotTakenException ex)
                    {
                        // Certainly not taken: sending it again later issues no second token.
                        Interlocked.CompareExchange(ref failure, ex.Message, null);
                        if (session.Outcomes.StateOf(row) == RowState.Sent)
                        {
                            session.Outcomes.Set(row, RowState.NotSent);
                            session.Journal.Write(BatchJournalStatus.Unsent, id);
                        }
                    }
                    catch (Exception ex) when (ex is PublishOutcomeUnknownException or InvalidOperationException or IOException or ObjectDisposedException)
                    {
                        // Maybe taken: its result may still come (it is collected if so), but it is never
                        // sent blindly again, which could issue a second passphrase; --reissue does it on purpose.
                        Interlocked.CompareExchange(ref failure, ex.Message, null);
                        if (session.Outcomes.StateOf(row) == RowState.Sent)
                        {
                            var why = $"the publish was not confirmed ({ex.Message}); the worker may have it: check the directory, or send the batch again with --reissue.";
                            session.Outcomes.Set(row, RowState.Lost, BatchJournalStatus.PublishUnconfirmedCode, why);
                            session.Journal.Write(BatchJournalStatus.Lost, id, BatchJournalStatus.PublishUnconfirmedCode, why, flush: true);
                        }
                    }
                    finally
                    {
                        window.Release();
                    }
                }, CancellationToken.None);
            }
        }
        // Every publish on the wire gets its confirm (or its failure) before the run goes on.
        using var grace = new CancellationTokenSource(ConfirmGrace);
        try
        {
            for (var i = 0; i < options.PublishWindow; i++) await window.WaitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            failure ??= $"publishes still unconfirmed after {ConfirmGrace.TotalSeconds:0} s";
        }
        return (published, failure);
    }

    private async Task<int> ConcludeAsync(BatchSession session, string? reportPath, int published, string? failure, bool interrupted, bool waited, string file)
    {
        var counts = session.Outcomes.Snapshot();
        string? warning = null;
        if (counts.Complete && !interrupted)
        {
            try
            {
                warning = await session.FinishAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
            {
                warning = $"could not remove the results queue {session.Manifest.ResultsQueue}: {ex.Message} (it expires by itself).";
            }
        }
        session.Journal.Flush();
        if (reportPath is not null)
        {
            BatchReportWriter.Write(reportPath, session.Plan, session.Outcomes, session.Factory);
            output.WriteLine($"{Name}: report written to {reportPath}.");
        }
        if (warning is not null) error.WriteLine($"{Name}: warning: {warning}");

        var id = session.BatchId;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{Name}: batch '{id}': {counts.Rows} rows, {counts.Stored + counts.Cleared} {(session.Plan.Kind == RequestKind.Clear ? "cleared" : "stored")}, {counts.Failed} failed");
        if (counts.Lost > 0) summary += $", {counts.Lost} unknown";
        if (counts.InFlight > 0) summary += $", {counts.InFlight} in flight";
        if (counts.NotSent > 0) summary += $", {counts.NotSent} not sent";
        if (published > 0) summary += $" ({published} published by this run)";
        output.WriteLine(summary + ".");

        if (failure is not null)
        {
            error.WriteLine($"{Name}: publishing stopped: {failure}");
            error.WriteLine($"{Name}: rows not sent stay in the journal as such: run the same command again (same --batch-id {id}) to send them; nothing already sent is sent twice.");
            return Cli.ExitFailed;
        }
        if (interrupted)
        {
            error.WriteLine($"{Name}: interrupted. The batch goes on in the worker; its results are kept for you in the broker.");
            error.WriteLine($"  wait again:        shrtok batch-status {id} --wait{(reportPath is null ? "" : $" --report {reportPath}")}");
            if (counts.NotSent > 0) error.WriteLine($"  send the rest:     shrtok batch {file} --batch-id {id}");
            return Cli.ExitFailed;
        }
        if (!counts.Complete)
        {
            if (counts.NotSent > 0) error.WriteLine($"{Name}: {counts.NotSent} rows are not sent yet; this sends them: shrtok batch {file} --batch-id {id}");
            if (!waited && counts.InFlight > 0) output.WriteLine($"{Name}: not waiting for results; collect them with: shrtok batch-status {id} --wait");
            return counts.Failed + counts.Lost + counts.NotSent > 0 ? Cli.ExitFailed : Cli.ExitOk;
        }
        return counts.AllSucceeded ? Cli.ExitOk : Cli.ExitFailed;
    }

    private BatchOptions? LoadOptions(out string? problem)
    {
        var options = configuration.GetSection(BatchOptions.SectionName).Get<BatchOptions>() ?? new BatchOptions();
        problem = options.Problem();
        return problem is null ? options : null;
    }

    private int Usage(string message)
    {
        error.WriteLine($"{Name}: {message}");
        return Cli.ExitUsage;
    }

    private int Failed(string message)
    {
        error.WriteLine($"{Name}: {message}");
        return Cli.ExitFailed;
    }
}
