namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// The two request queues: interactive requests never wait behind a bulk batch
/// (docs/messages.md: "a 100,000-user batch never delays a single interactive request").
/// </summary>
public enum Lane
{
    /// <summary>Single requests from identity-management systems.</summary>
    Interactive,

    /// <summary>Requests that belong to a batch (they carry a batchId).</summary>
    Bulk,
}
