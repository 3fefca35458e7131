namespace SharedSecretWorker.Processing;

/// <summary>What <see cref="CompletedRequests"/> knows of a producer's request id.</summary>
internal enum CompletedRequestMatch
{
    /// <summary>Not completed by this process (or forgotten): process it.</summary>
    NotCompleted,

    /// <summary>Completed with the same body: a redelivery, settled without a second token.</summary>
    SameRequest,

    /// <summary>Completed with another body: the producer reused the id for another request.</summary>
    DifferentBody,
}
