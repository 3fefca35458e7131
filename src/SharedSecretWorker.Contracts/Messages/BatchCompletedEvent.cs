namespace SharedSecretWorker.Contracts.Messages;

/// <summary>
/// Published on the results exchange with routing key <c>batch.completed</c> once every row of a
/// batch has its result, for the requesting system (it need not count results itself).
/// </summary>
/// <param name="Version">Message version, 1.</param>
/// <param name="BatchId">The batch.</param>
/// <param name="Kind">enrollment or revocation.</param>
/// <param name="Rows">Rows in the batch file.</param>
/// <param name="Counts">Rows by final status: stored, cleared, failed, unknown (absent when zero).</param>
/// <param name="CompletedAt">When the last result was recorded, UTC.</param>
public sealed record BatchCompletedEvent(int Version, string BatchId, string Kind, int Rows, Dictionary<string, int> Counts, DateTimeOffset CompletedAt)
{
    /// <summary>Routing key on the results exchange.</summary>
    public const string RoutingKey = "batch.completed";

    /// <summary>The event's message version.</summary>
    public const int CurrentVersion = 1;
}
