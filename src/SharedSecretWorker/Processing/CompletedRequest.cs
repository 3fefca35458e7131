namespace SharedSecretWorker.Processing;

/// <summary>A request as the duplicate memory knows it (<see cref="CompletedRequests"/>).</summary>
/// <param name="Producer">The RabbitMQ user that sent it; null when unknown.</param>
/// <param name="RequestId">Its request id.</param>
/// <param name="BodyDigest">The SHA-256 of its body.</param>
public sealed record CompletedRequest(string? Producer, string RequestId, byte[] BodyDigest);
