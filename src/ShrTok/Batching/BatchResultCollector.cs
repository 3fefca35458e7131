using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using SharedSecretWorker.Contracts.Messages;

namespace ShrTok.Batching;

/// <summary>
/// Consumes the batch's results queue: a result of one of this batch's request ids updates its row
/// and is written to the journal (flushed) before it is acknowledged; anything else (other
/// requesters' results, events) is acknowledged and dropped.
/// </summary>
internal sealed class BatchResultCollector : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly BatchPlan _plan;
    private readonly string _batchId;
    private readonly BatchOutcomes _outcomes;
    private readonly BatchJournal _journal;
    private long _deliveries;
    private string? _consumerTag;

    private BatchResultCollector(IChannel channel, BatchPlan plan, string batchId, BatchOutcomes outcomes, BatchJournal journal)
    {
        _channel = channel;
        _plan = plan;
        _batchId = batchId;
        _outcomes = outcomes;
        _journal = journal;
    }

    /// <summary>Messages taken from the queue so far (ours or not).</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    public static async Task<BatchResultCollector> StartAsync(IChannel channel, string queue, ushort prefetch, BatchPlan plan, string batchId,
        BatchOutcomes outcomes, BatchJournal journal, CancellationToken cancellationToken)
    {
        var collector = new BatchResultCollector(channel, plan, batchId, outcomes, journal);
        await channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += collector.OnResultAsync;
        collector._consumerTag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        return collector;
    }

    private async Task OnResultAsync(object sender, BasicDeliverEventArgs delivery)
    {
        Record(delivery.Body.Span);
        await _channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
        Interlocked.Increment(ref _deliveries);
    }

    private void Record(ReadOnlySpan<byte> body)
    {
        ResultMessage result;
        try
        {
            result = MessageJson.ReadResult(body);
        }
        catch (JsonException)
        {
            return; // not a result (batch.completed, someone else's traffic)
        }
        if (result.RequestId is not { } id || !string.Equals(result.BatchId, _batchId, StringComparison.Ordinal) || !_plan.TryGetRow(id, out var row))
            return;
        var (state, status) = result.Status switch
        {
            ResultStatus.Stored => (RowState.Stored, ResultStatusNames.Stored),
            ResultStatus.Cleared => (RowState.Cleared, ResultStatusNames.Cleared),
            _ => (RowState.Failed, ResultStatusNames.Failed),
        };
        var code = result.Error?.Code;
        var message = result.Error?.Message;
        _journal.Write(status, id, code, message, flush: true);
        _outcomes.Set(row, state, code, message);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_consumerTag is not null && _channel.IsOpen) await _channel.BasicCancelAsync(_consumerTag).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException or OperationCanceledException)
        {
            // The channel closed on its own; unacknowledged results go back to the queue.
        }
        await _channel.DisposeAsync().ConfigureAwait(false);
    }
}
