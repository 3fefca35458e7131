namespace SharedSecretWorker.Contracts;

/// <summary>
/// AMQP header names the worker sets (docs/messages.md, "Headers"). Producers never set them: the
/// worker trusts them only on copies that carry its own broker-validated <c>user_id</c>.
/// </summary>
public static class MessageHeaders
{
    /// <summary>
    /// The prefix of every header of the worker's own. The worker drops headers with this prefix
    /// (in any letter case) from every message that is not its own copy.
    /// </summary>
    public const string Prefix = "x-shrtok-";

    /// <summary>
    /// The attempt number, on the worker's delayed-delivery copies and on dead letters. The worker
    /// owns the attempt count: the broker's <c>x-delivery-count</c> also grows on crashes and
    /// hand-backs, which are not failed attempts.
    /// </summary>
    public const string Attempt = "x-shrtok-attempt";

    /// <summary>On the worker's copies: the RabbitMQ user that sent the original request.</summary>
    public const string Producer = "x-shrtok-producer";

    /// <summary>
    /// On the worker's results of completed requests: the SHA-256 (hex) of the request's body. With
    /// <see cref="Producer"/> and the result's correlation_id (the request id), the other workers of a site
    /// learn which requests are done, so that a redelivery after a worker's crash is settled as a duplicate
    /// wherever it lands (docs/operations.md, "Running several workers").
    /// </summary>
    public const string RequestSha256 = "x-shrtok-request-sha256";

    /// <summary>On dead letters: the stable error code (<see cref="ErrorCodes"/>).</summary>
    public const string ErrorCode = "x-shrtok-error-code";

    /// <summary>On dead letters: the reason, in words.</summary>
    public const string Reason = "x-shrtok-reason";

    /// <summary>On dead letters: the queue the request was consumed from.</summary>
    public const string Queue = "x-shrtok-queue";

    /// <summary>
    /// On dead letters of a body larger than the request limit: the original body's size in bytes.
    /// The dead letter then holds only the body's first bytes (an excerpt), not the whole body.
    /// </summary>
    public const string OriginalSize = "x-shrtok-original-size";
}
