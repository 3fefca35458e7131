namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>
/// The one ordered record every fake writes to ("hsm.encrypt", "directory.store-enrollment uid=jdoe",
/// "publish.notice", "publish.result stored", "ack", ...), so that tests can assert what happened and in
/// which order across the HSM, the directory, the publisher and the delivery.
/// </summary>
internal sealed class EventLog
{
    private readonly List<string> _events = [];

    public void Add(string entry)
    {
        lock (_events) _events.Add(entry);
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_events) return _events.ToArray();
    }

    public bool Contains(string entry)
    {
        lock (_events) return _events.Contains(entry);
    }

    /// <summary>Index of the single occurrence of <paramref name="entry"/>; fails when absent or repeated.</summary>
    public int IndexOfSingle(string entry)
    {
        var snapshot = Snapshot();
        var found = Enumerable.Range(0, snapshot.Count).Where(i => snapshot[i] == entry).ToArray();
        Assert.True(found.Length == 1, $"expected '{entry}' once in [{string.Join(", ", snapshot)}]");
        return found[0];
    }

    public void Clear()
    {
        lock (_events) _events.Clear();
    }
}
