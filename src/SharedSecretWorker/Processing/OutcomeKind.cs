namespace SharedSecretWorker.Processing;

/// <summary>How one attempt at a request ended; with the attempt count it decides the settlement.</summary>
public enum OutcomeKind
{
    /// <summary>Token stored or cleared, notice and result published and confirmed.</summary>
    Completed,

    /// <summary>Already completed in this process (a redelivery after a lost ack): nothing to redo.</summary>
    Duplicate,

    /// <summary>Retrying cannot help (invalid request, unknown uid, forbidden, ...).</summary>
    PermanentFailure,

    /// <summary>A dependency failed for now (directory or HSM unavailable, broker publish failed).</summary>
    TransientFailure,

    /// <summary>The worker is stopping before the job could finish; the broker should hand the message to someone else.</summary>
    Abandoned,

    /// <summary>
    /// The request is not in its target's partition (published without a target key, with a wrong one,
    /// or in a queue from before partitioning): nothing was done; it is routed on to its partition.
    /// </summary>
    Misrouted,

    /// <summary>
    /// The delivery stopped being this worker's before the job could write (its channel closed, its
    /// consumer was given up): nothing more is done for it, and it goes back to the broker.
    /// </summary>
    DeliveryLost,
}
