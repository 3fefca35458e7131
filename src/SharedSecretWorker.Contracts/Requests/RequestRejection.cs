namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// Why a message is not a request the worker can act on. It carries what could still be read,
/// so that the failed result reaches its requester with the best-known <c>requestId</c>,
/// <c>kind</c> and <c>batchId</c> (docs/messages.md: "results of unreadable messages carry it too").
/// </summary>
/// <param name="Code">A code from <see cref="ErrorCodes"/>: <c>invalid-request</c> or <c>unknown-channel</c>.</param>
/// <param name="Message">What was wrong, naming the field; never echoes more than a short, sanitized excerpt of the input.</param>
/// <param name="RequestId">The body's valid requestId, else the AMQP message_id when it is a valid requestId, else null.</param>
/// <param name="Kind">The kind when the body named a valid one.</param>
/// <param name="BatchId">The batchId when the body held a valid one.</param>
public sealed record RequestRejection(string Code, string Message, string? RequestId, RequestKind? Kind, string? BatchId);
