namespace SharedSecretWorker.Processing;

/// <summary>Why a request was dead-lettered (docs/messages.md, "Dead letters").</summary>
/// <param name="Code">Stable error code (<see cref="SharedSecretWorker.Contracts.ErrorCodes"/>).</param>
/// <param name="Reason">The failure in words: no secret, no token.</param>
/// <param name="Attempt">The attempt that failed.</param>
/// <param name="Producer">The RabbitMQ user that sent the original, when known.</param>
public sealed record DeadLetterReason(string Code, string Reason, int Attempt, string? Producer);
