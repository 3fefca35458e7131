using System.Text;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>Inbound messages as the broker adapter hands them to processing.</summary>
internal static class Deliveries
{
    /// <summary>The RabbitMQ user of the identity-management producer.</summary>
    public const string Producer = "idm";

    /// <summary>The worker's own RabbitMQ user (the user_id of its delayed copies).</summary>
    public const string WorkerUser = "shrtok-worker";

    public const string Address = "jdoe@example.com";

    /// <summary>A request as its partition delivers it: its target key on it, as a producer sets it.</summary>
    public static InboundMessage Of(string body, string? messageId = null, string? userId = Producer) => new()
    {
        Lane = Lane.Interactive,
        Queue = "shrtok.requests.interactive.p00",
        IsPartitioned = true,
        TargetKey = RequestRouting.TargetKeyOf(Encoding.UTF8.GetBytes(body)),
        Exchange = "shrtok.requests",
        RoutingKey = "request",
        Body = Encoding.UTF8.GetBytes(body),
        MessageId = messageId,
        UserId = userId,
    };

    /// <summary><paramref name="original"/> with another target key (null: none), or from a queue that is no partition.</summary>
    public static InboundMessage Keyed(InboundMessage original, string? targetKey, bool partitioned = true) => new()
    {
        Lane = original.Lane,
        Queue = partitioned ? original.Queue : "shrtok.requests.interactive",
        IsPartitioned = partitioned,
        TargetKey = targetKey,
        Exchange = original.Exchange,
        RoutingKey = original.RoutingKey,
        Body = original.Body,
        MessageId = original.MessageId,
        UserId = original.UserId,
        IsWorkerCopy = original.IsWorkerCopy,
        Headers = original.Headers,
    };

    public static InboundMessage Enrollment(string requestId = "req-1", string uid = "jdoe", string channel = ProcessingRig.Channel, string? userId = Producer) =>
        Of($$$"""{"version": 1, "kind": "enrollment", "requestId": "{{{requestId}}}", "uid": "{{{uid}}}", "delivery": {"channel": "{{{channel}}}", "address": "{{{Address}}}"}}""",
            userId: userId);

    public static InboundMessage Revocation(string requestId = "rev-1", string serial = "0x1A2B", string? userId = Producer) =>
        Of($$$"""{"version": 1, "kind": "revocation", "requestId": "{{{requestId}}}", "serial": "{{{serial}}}", "delivery": {"channel": "{{{ProcessingRig.Channel}}}", "address": "{{{Address}}}"}}""",
            userId: userId);

    public static InboundMessage ClearUid(string requestId = "clr-1", string uid = "jdoe") =>
        Of($$"""{"version": 1, "kind": "clear", "requestId": "{{requestId}}", "uid": "{{uid}}"}""");

    public static InboundMessage ClearSerial(string requestId = "clr-2", string serial = "6699") =>
        Of($$"""{"version": 1, "kind": "clear", "requestId": "{{requestId}}", "serial": "{{serial}}"}""");

    /// <summary>The worker's delayed copy of <paramref name="original"/>: its own user_id, attempt and producer headers.</summary>
    public static InboundMessage WorkerCopy(InboundMessage original, object attempt, string? producer = Producer)
    {
        var headers = new Dictionary<string, object?> { [MessageHeaders.Attempt] = attempt };
        if (producer is not null) headers[MessageHeaders.Producer] = Encoding.UTF8.GetBytes(producer);
        return Copy(original, WorkerUser, isWorkerCopy: true, headers);
    }

    /// <summary><paramref name="original"/> as a producer sent it, with headers of its own choosing.</summary>
    public static InboundMessage WithHeaders(InboundMessage original, Dictionary<string, object?> headers) =>
        Copy(original, original.UserId, isWorkerCopy: false, headers);

    public static InboundMessage Redelivery(InboundMessage original) => new()
    {
        Lane = original.Lane,
        Queue = original.Queue,
        IsPartitioned = original.IsPartitioned,
        TargetKey = original.TargetKey,
        Exchange = original.Exchange,
        RoutingKey = original.RoutingKey,
        Body = original.Body,
        MessageId = original.MessageId,
        UserId = original.UserId,
        IsWorkerCopy = original.IsWorkerCopy,
        Headers = original.Headers,
        Redelivered = true,
    };

    private static InboundMessage Copy(InboundMessage original, string? userId, bool isWorkerCopy, Dictionary<string, object?> headers) => new()
    {
        Lane = original.Lane,
        Queue = original.Queue,
        IsPartitioned = original.IsPartitioned,
        TargetKey = original.TargetKey,
        Exchange = original.Exchange,
        RoutingKey = original.RoutingKey,
        Body = original.Body,
        MessageId = original.MessageId,
        UserId = userId,
        IsWorkerCopy = isWorkerCopy,
        Headers = headers,
    };
}
