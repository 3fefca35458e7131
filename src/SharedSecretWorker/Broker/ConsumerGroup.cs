using RabbitMQ.Client;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Consumers that are registered, given up and owned together: partition p of both lanes (or one queue
/// of before partitioning). A target's requests may wait in both lanes, in partition p of each (both
/// lanes' exchanges hash the same key to the same bucket number, and their partitions are bound in the
/// same order), so one worker must hold both or neither (docs/operations.md, "Running several workers"):
/// <list type="bullet">
/// <item>the group registers its consumers one after the other and always all of them, so that every
/// worker stands in the same place of both queues' single-active-consumer waiting lines, and the broker
/// activates the same worker on both when the active one goes;</item>
/// <item>it has one ownership: a shutdown of either channel ends it for both, and giving the group up
/// releases it (waiting for the jobs that hold it) before either consumer is cancelled;</item>
/// <item>when either consumer is gone, or the ownership was lost, the group gives the rest up and
/// registers all again, at the back of both lines.</item>
/// </list>
/// </summary>
internal sealed class ConsumerGroup(int? partition, IReadOnlyList<QueueConsumer> consumers, SharedOwnership ownership) : IDisposable
{
    /// <summary>The partition number, or null for a queue of before partitioning.</summary>
    public int? Partition { get; } = partition;

    public IReadOnlyList<QueueConsumer> Consumers { get; } = consumers;

    /// <summary>True while every consumer is registered on an open channel and the ownership holds.</summary>
    public bool IsConsuming => ownership.Current.IsOwned && Consumers.All(c => c.IsConsuming);

    /// <summary>True when any of the group's queues delivered within <paramref name="window"/> (the sign of being active).</summary>
    public bool DeliveredWithin(TimeSpan window) => Consumers.Any(c => c.DeliveredWithin(window));

    /// <summary>
    /// Releases the ownership, waits for its holds at most <paramref name="maxWait"/>, then cancels every
    /// consumer. A hold kept longer is a directory call that hangs past its timeout: the worker does not
    /// keep the partition for ever for it (docs/operations.md, "Fencing", what remains).
    /// </summary>
    /// <returns>False when holds were still held as the consumers were cancelled.</returns>
    public async Task<bool> GiveUpAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var released = ownership.Current.ReleaseAsync();
        var drained = await Task.WhenAny(released, Task.Delay(maxWait, cancellationToken)).ConfigureAwait(false) == released;
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var consumer in Consumers) await consumer.CancelAsync(cancellationToken).ConfigureAwait(false);
        return drained;
    }

    /// <summary>Registers every consumer under a new ownership.</summary>
    public async Task ConsumeAsync(IConnection connection, CancellationToken cancellationToken)
    {
        ownership.Begin();
        foreach (var consumer in Consumers) await consumer.ConsumeAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives up what is left and registers all again (after a lost channel or a recovery, or to share).</summary>
    /// <returns>False when holds were still held as the consumers were cancelled.</returns>
    public async Task<bool> RenewAsync(IConnection connection, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var drained = await GiveUpAsync(maxWait, cancellationToken).ConfigureAwait(false);
        await ConsumeAsync(connection, cancellationToken).ConfigureAwait(false);
        return drained;
    }

    /// <summary>Closes the channels (at shutdown, after the jobs are done or handed back).</summary>
    public async Task CloseAsync()
    {
        foreach (var consumer in Consumers) await consumer.CloseAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var consumer in Consumers) consumer.Dispose();
    }
}
