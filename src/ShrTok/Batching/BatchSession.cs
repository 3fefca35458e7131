using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;
using ShrTok.Submitting;

using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Batching;

/// <summary>
/// A batch being worked on by this process: its locked state folder, journal, rows, connection and
/// results queue. Shared by <c>shrtok batch</c> and <c>shrtok batch-status</c>.
/// </summary>
internal sealed class BatchSession : IAsyncDisposable
{
    private BatchResultCollector? _collector;

    private BatchSession(BatchStateFolder folder, BatchJournal journal, BatchPlan plan, BatchRequestFactory factory, BatchOutcomes outcomes,
        RequestProducer producer, BatchManifest manifest, BatchOptions options)
    {
        Folder = folder;
        Journal = journal;
        Plan = plan;
        Factory = factory;
        Outcomes = outcomes;
        Producer = producer;
        Manifest = manifest;
        Options = options;
    }

    public BatchStateFolder Folder { get; }
    public BatchJournal Journal { get; }
    public BatchPlan Plan { get; }
    public BatchRequestFactory Factory { get; }
    public BatchOutcomes Outcomes { get; }
    public RequestProducer Producer { get; }
    public BatchOptions Options { get; }
    public BatchManifest Manifest { get; private set; }
    public string BatchId => Manifest.BatchId;

    /// <summary>Results that were waiting in the queue when it was opened (from an earlier run).</summary>
    public uint Backlog { get; private set; }

    /// <summary>
    /// Locks the folder, replays the journal, connects, and makes sure the results queue exists
    /// (rows sent by an earlier run whose queue is gone become <see cref="RowState.Lost"/>).
    /// </summary>
    public static async Task<BatchSession> OpenAsync(IConfiguration configuration, BatchOptions options, string folderPath, BatchPlan plan,
        BatchManifest manifest, BatchRequestFactory factory, CancellationToken cancellationToken)
    {
        var folder = BatchStateFolder.Lock(folderPath);
        BatchJournal? journal = null;
        RequestProducer? producer = null;
        try
        {
            var outcomes = new BatchOutcomes(plan.Rows);
            Replay(folderPath, plan, outcomes);
            producer = await RequestProducer.ConnectAsync(configuration, cancellationToken).ConfigureAwait(false);
            journal = folder.OpenJournal();
            var session = new BatchSession(folder, journal, plan, factory, outcomes, producer, manifest, options);
            await session.EnsureResultsQueueAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            journal?.Dispose();
            if (producer is not null) await producer.DisposeAsync().ConfigureAwait(false);
            folder.Dispose();
            throw;
        }
    }

    private static void Replay(string folder, BatchPlan plan, BatchOutcomes outcomes)
    {
        foreach (var (status, id, code, message) in BatchJournal.Read(folder))
        {
            if (!plan.TryGetRow(id, out var row)) continue; // another generation, or a row since removed from the file
            switch (status)
            {
                case BatchJournalStatus.Sent: outcomes.Set(row, RowState.Sent, earlier: true); break;
                case BatchJournalStatus.Unsent: outcomes.Set(row, RowState.NotSent); break;
                case BatchJournalStatus.Stored: outcomes.Set(row, RowState.Stored, earlier: true); break;
                case BatchJournalStatus.Cleared: outcomes.Set(row, RowState.Cleared, earlier: true); break;
                case BatchJournalStatus.Failed: outcomes.Set(row, RowState.Failed, code, message, earlier: true); break;
                case BatchJournalStatus.Lost: outcomes.Set(row, RowState.Lost, code, message, earlier: true); break;
            }
        }
    }

    private async Task EnsureResultsQueueAsync(CancellationToken cancellationToken)
    {
        if (Manifest.ResultsQueue is { } existing)
        {
            var waiting = await BatchResultsQueue.MessagesInAsync(Producer, existing, cancellationToken).ConfigureAwait(false);
            if (waiting is { } count)
            {
                Backlog = count;
                return;
            }
            // Rows an earlier run published have lost their way back: their results went to a queue that expired.
            for (var row = 0; row < Outcomes.Rows; row++)
            {
                if (Outcomes.StateOf(row) == RowState.Sent)
                {
                    var why = $"published by an earlier run whose results queue {existing} is gone (unused for longer than Batch:ResultsQueueExpiry); check the directory, or send the batch again with --reissue.";
                    Outcomes.Set(row, RowState.Lost, BatchJournalStatus.ResultLostCode, why, earlier: true);
                    // Journaled, or the next run would replay 'sent' and wait for it on the new queue for ever.
                    Journal.Write(BatchJournalStatus.Lost, Plan.IdOf(row), BatchJournalStatus.ResultLostCode, why);
                }
            }
            Journal.Flush();
        }
        await using var channel = await Producer.CreateChannelAsync(false, cancellationToken).ConfigureAwait(false);
        var queue = await BatchResultsQueue.CreateAsync(channel, Producer.Names, Options.ResultsQueueExpiry, cancellationToken).ConfigureAwait(false);
        SaveManifest(Manifest with { ResultsQueue = queue });
    }

    public void SaveManifest(BatchManifest manifest)
    {
        Folder.WriteManifest(manifest);
        Manifest = manifest;
    }

    /// <summary>Starts taking results; returns once the backlog present at opening has been taken (so rows already done are not sent again).</summary>
    public async Task CollectResultsAsync(CancellationToken cancellationToken)
    {
        if (_collector is not null) return;
        var channel = await Producer.CreateChannelAsync(false, cancellationToken).ConfigureAwait(false);
        _collector = await BatchResultCollector.StartAsync(channel, Manifest.ResultsQueue!, (ushort)Options.ResultPrefetch, Plan, BatchId,
            Outcomes, Journal, cancellationToken).ConfigureAwait(false);
        while (_collector.Deliveries < Backlog && !Outcomes.Completion.IsCompleted)
            await Task.Delay(BacklogPoll, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking results (a run without --wait, once the backlog is taken); the rest stay queued for batch-status.</summary>
    public async Task StopCollectingAsync()
    {
        if (_collector is null) return;
        await _collector.DisposeAsync().ConfigureAwait(false);
        _collector = null;
        Journal.Flush();
    }

    /// <summary>How often the backlog drain is checked.</summary>
    private static readonly TimeSpan BacklogPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>Once every row is final: batch.completed (once per generation), and the results queue is deleted.</summary>
    public async Task<string?> FinishAsync(CancellationToken cancellationToken)
    {
        string? warning = null;
        if (!Manifest.CompletionPublished)
        {
            warning = await BatchCompletion.PublishAsync(Producer, BatchId, Plan.Kind, Outcomes.Snapshot(), cancellationToken).ConfigureAwait(false);
            if (warning is null) SaveManifest(Manifest with { CompletionPublished = true });
        }
        if (_collector is not null)
        {
            await _collector.DisposeAsync().ConfigureAwait(false);
            _collector = null;
        }
        if (Manifest.ResultsQueue is { } queue)
        {
            await using var channel = await Producer.CreateChannelAsync(false, cancellationToken).ConfigureAwait(false);
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            SaveManifest(Manifest with { ResultsQueue = null });
        }
        return warning;
    }

    public async ValueTask DisposeAsync()
    {
        if (_collector is not null) await _collector.DisposeAsync().ConfigureAwait(false);
        Journal.Flush();
        Journal.Dispose();
        await Producer.DisposeAsync().ConfigureAwait(false);
        Folder.Dispose();
    }

    /// <summary>The kind's wire name.</summary>
    public string KindName => Plan.Kind.ToWireName();
}
