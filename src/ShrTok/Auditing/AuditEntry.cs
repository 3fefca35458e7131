namespace ShrTok.Auditing;

/// <summary>
/// One message as the audit stream holds it: what the broker appended from the results exchange, with the
/// properties that matter for trust and time. Nothing here is parsed yet (<see cref="AuditMapping"/> does).
/// </summary>
/// <param name="Offset">The message's offset in the stream (the broker's <c>x-stream-offset</c> header).</param>
/// <param name="RoutingKey">Its routing key on the results exchange: <c>KIND.WORD</c>.</param>
/// <param name="UserId">Its AMQP user_id, which the broker checked against the publishing connection's user.</param>
/// <param name="Producer">The <c>x-shrtok-producer</c> header: the user that sent the request, as the worker knew it.</param>
/// <param name="Timestamp">Its AMQP timestamp (seconds), when set.</param>
/// <param name="Body">The JSON body.</param>
internal sealed record AuditEntry(long? Offset, string RoutingKey, string? UserId, string? Producer, DateTimeOffset? Timestamp, ReadOnlyMemory<byte> Body);
