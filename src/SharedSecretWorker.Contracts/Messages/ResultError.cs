namespace SharedSecretWorker.Contracts.Messages;

/// <summary>Why a request failed: a stable <see cref="ErrorCodes"/> value and a message for people.</summary>
/// <param name="Code">Stable code (<c>invalid-request</c>, <c>unknown-uid</c>, ...); requesters branch on it.</param>
/// <param name="Message">What was wrong and, where it helps, what to do; never a passphrase, token or secret.</param>
public sealed record ResultError(string Code, string Message);
