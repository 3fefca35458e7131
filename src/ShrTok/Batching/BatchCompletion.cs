using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using ShrTok.Submitting;

namespace ShrTok.Batching;

/// <summary>
/// Publishes <see cref="BatchCompletedEvent"/> on the results exchange. The worker cannot: it never
/// knows how many rows a batch has, so the process that watched the batch to its end does. The
/// producer's RabbitMQ user needs write permission on the results exchange for it (topic
/// permission <c>^batch\.</c> suffices); without it the batch is still complete and only a warning is shown.
/// </summary>
internal static class BatchCompletion
{
    /// <summary>Status words of the counts.</summary>
    private const string UnknownWord = "unknown";

    public static BatchCompletedEvent EventOf(string batchId, RequestKind kind, BatchCounts counts, DateTimeOffset at)
    {
        var byStatus = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string status, int count)
        {
            if (count > 0) byStatus[status] = count;
        }
        Add(ResultStatusNames.Stored, counts.Stored);
        Add(ResultStatusNames.Cleared, counts.Cleared);
        Add(ResultStatusNames.Failed, counts.Failed);
        Add(UnknownWord, counts.Lost);
        return new BatchCompletedEvent(BatchCompletedEvent.CurrentVersion, batchId, kind.ToWireName(), counts.Rows, byStatus, at);
    }

    /// <summary>Publishes the event; returns null, or a warning when the broker refused it.</summary>
    public static async Task<string?> PublishAsync(RequestProducer producer, string batchId, RequestKind kind, BatchCounts counts, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(EventOf(batchId, kind, counts, DateTimeOffset.UtcNow), BatchStateJson.Default.BatchCompletedEvent);
        var properties = new BasicProperties
        {
            ContentType = MessageJson.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = batchId + ":" + BatchCompletedEvent.RoutingKey,
            Type = BatchCompletedEvent.RoutingKey,
            UserId = producer.UserName,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
        };
        // Its own channel: a refusal (ACCESS_REFUSED) closes the channel it happens on.
        try
        {
            await using var channel = await producer.CreateChannelAsync(true, cancellationToken).ConfigureAwait(false);
            await channel.BasicPublishAsync(producer.Names.ResultsExchange, BatchCompletedEvent.RoutingKey, mandatory: false, properties, body, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
            var reason = ex is OperationInterruptedException interrupted ? interrupted.ShutdownReason?.ReplyText ?? ex.Message : ex.Message;
            return $"batch.completed was not published on '{producer.Names.ResultsExchange}' ({reason}); grant the user '{producer.UserName}' write on it (topic permission ^batch\\.) for the requesting system to get it.";
        }
    }
}
