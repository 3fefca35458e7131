using System.Security.Cryptography;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Requests this process finished, keyed by producer (the broker-validated RabbitMQ user) and request
/// id, each with the SHA-256 of its body: a redelivery (an ack lost with a closed channel) settles
/// without a second token, two producers may use the same id, and one producer reusing an id for
/// another body is told so. Bounded: the oldest entry is forgotten first, so memory stays flat through
/// a 100,000-request batch. After a restart the memory is empty; a redelivery then makes a new token,
/// and the notice published with it is still the last one for its target.
/// </summary>
internal sealed class CompletedRequests
{
    private readonly int _capacity;
    private readonly Dictionary<(string Producer, string RequestId), byte[]> _bodies = new();
    private readonly Queue<(string Producer, string RequestId)> _order = new();

    public CompletedRequests(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
    }

    /// <summary>Requests remembered now.</summary>
    public int Count
    {
        get { lock (_bodies) return _bodies.Count; }
    }

    /// <summary>The SHA-256 of a request body, as <see cref="Match"/> and <see cref="Add"/> take it.</summary>
    public static byte[] Digest(ReadOnlySpan<byte> body) => SHA256.HashData(body);

    /// <param name="producer">The RabbitMQ user that sent the request; null when unknown (no user_id).</param>
    /// <param name="requestId">Its request id.</param>
    /// <param name="bodyDigest">The <see cref="Digest"/> of its body.</param>
    public CompletedRequestMatch Match(string? producer, string requestId, byte[] bodyDigest)
    {
        lock (_bodies)
        {
            if (!_bodies.TryGetValue(Key(producer, requestId), out var completed)) return CompletedRequestMatch.NotCompleted;
            return CryptographicOperations.FixedTimeEquals(completed, bodyDigest) ? CompletedRequestMatch.SameRequest : CompletedRequestMatch.DifferentBody;
        }
    }

    /// <summary>Remembers a completed request (the first body completed under its key stays).</summary>
    public void Add(string? producer, string requestId, byte[] bodyDigest)
    {
        if (_capacity == 0) return;
        var key = Key(producer, requestId);
        lock (_bodies)
        {
            if (!_bodies.TryAdd(key, bodyDigest)) return;
            _order.Enqueue(key);
            while (_order.Count > _capacity) _bodies.Remove(_order.Dequeue());
        }
    }

    private static (string, string) Key(string? producer, string requestId) => (producer ?? "", requestId);
}
