using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Broker;
using ShrTok.Submitting;

namespace ShrTok.Batching;

/// <summary>
/// The batch's own results queue. The results exchange routes by <c>KIND.STATUS</c> only, so a
/// batch cannot bind to its own results alone: the queue is bound with <c>#</c> and the CLI keeps
/// the results of its request ids. It is durable and not exclusive, so that results keep arriving
/// while nobody waits (no --wait, Ctrl-C) and <c>shrtok batch-status</c> collects them later; it is
/// server-named (<c>amq.gen-…</c>), which a least-privileged producer may declare (the local
/// stack's IdM user may configure only such queues), and it expires (RabbitMQ <c>x-expires</c>)
/// once unused for <see cref="BatchOptions.ResultsQueueExpiry"/>, so an abandoned batch leaves nothing behind.
/// </summary>
internal static class BatchResultsQueue
{
    /// <summary>Binding key taking every result.</summary>
    public const string AllResults = "#";

    public static async Task<string> CreateAsync(IChannel channel, TopologyOptions names, TimeSpan expiry, CancellationToken cancellationToken)
    {
        var queue = await channel.QueueDeclareAsync("", durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-expires"] = (long)expiry.TotalMilliseconds }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(queue.QueueName, names.ResultsExchange, AllResults, cancellationToken: cancellationToken).ConfigureAwait(false);
        return queue.QueueName;
    }

    /// <summary>The number of results waiting in <paramref name="queue"/>, or null when it is gone.</summary>
    public static async Task<uint?> MessagesInAsync(RequestProducer connection, string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel (404): use a throwaway one.
        await using var probe = await connection.CreateChannelAsync(false, cancellationToken).ConfigureAwait(false);
        try
        {
            var ok = await probe.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
            return ok.MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return null;
        }
    }
}
