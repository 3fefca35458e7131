namespace SharedSecretWorker.Lifecycle;

/// <summary>What one expiry sweep did (<see cref="TokenExpiry.SweepAsync"/>).</summary>
/// <param name="Found">Expired tokens found (the directory's search, then the metadata's own notAfter).</param>
/// <param name="Removed">Removed by this worker, each with its <c>KIND.expired</c> event.</param>
/// <param name="Gone">Gone when this worker deleted them: another worker, a rewrite or the watcher got there first.</param>
/// <param name="Skipped">Left alone: the metadata is missing, unreadable or belongs to another token, or is not expired.</param>
public sealed record ExpirySweepResult(int Found, int Removed, int Gone, int Skipped);
