namespace SharedSecretWorker.Processing;

/// <summary>
/// Request ids this process finished, so that a redelivery (an ack lost with a closed channel)
/// settles without a second token. Bounded: the oldest id is forgotten first, so memory stays
/// flat through a 100,000-request batch. After a restart the memory is empty; a redelivery then
/// makes a new token, and the notice published with it is still the last one for its target.
/// </summary>
internal sealed class CompletedRequests
{
    private readonly int _capacity;
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public CompletedRequests(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
    }

    /// <summary>Ids remembered now.</summary>
    public int Count
    {
        get { lock (_ids) return _ids.Count; }
    }

    public bool Contains(string requestId)
    {
        lock (_ids) return _ids.Contains(requestId);
    }

    public void Add(string requestId)
    {
        if (_capacity == 0) return;
        lock (_ids)
        {
            if (!_ids.Add(requestId)) return;
            _order.Enqueue(requestId);
            while (_order.Count > _capacity) _ids.Remove(_order.Dequeue());
        }
    }
}
