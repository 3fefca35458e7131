using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Broker;

/// <summary>A queue the worker consumes requests from.</summary>
/// <param name="Lane">The lane it belongs to.</param>
/// <param name="Name">The queue's name.</param>
/// <param name="Partition">
/// Its partition number, for a partition queue (single active consumer: the worker processes what it
/// receives there, if the request's target key belongs there); null for a queue whose requests are only
/// routed on to their partitions (a lane's queue from before partitioning), which any worker consumes.
/// </param>
internal sealed record RequestQueue(Lane Lane, string Name, int? Partition)
{
    /// <summary>True for a partition queue.</summary>
    public bool IsPartition => Partition is not null;
}
