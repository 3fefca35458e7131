namespace SharedSecretWorker.Broker.Partitions;

/// <summary>
/// Which partitions a worker prefers, given the workers present (docs/operations.md, "Running several
/// workers"). Every worker computes the same answer from the same set of names: sorted ordinally, the
/// worker at index i of n prefers the partitions p with p mod n = i, in each lane. A pure function, so
/// that every worker agrees without talking to the others beyond their presence announcements.
/// </summary>
internal static class PartitionShare
{
    /// <summary>True when <paramref name="worker"/> prefers <paramref name="partition"/> among <paramref name="present"/>.</summary>
    /// <param name="worker">This worker's name; counted present even if not announced yet.</param>
    /// <param name="present">The names of the workers that consume now.</param>
    /// <param name="partition">The partition number (0 … P-1).</param>
    public static bool Prefers(string worker, IReadOnlyCollection<string> present, int partition)
    {
        var names = present.Append(worker).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = Array.IndexOf(names, worker);
        return partition % names.Length == index;
    }
}
