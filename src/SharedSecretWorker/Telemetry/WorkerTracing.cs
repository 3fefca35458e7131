using System.Diagnostics;
using System.Text;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Telemetry;

/// <summary>
/// The worker's one ActivitySource and the spans it makes: <c>process &lt;queue&gt;</c> per delivery
/// (continuing the producer's W3C trace context), <c>hsm &lt;operation&gt;</c>,
/// <c>directory &lt;operation&gt;</c> and <c>publish &lt;exchange&gt;</c> below it. Attributes follow the
/// OpenTelemetry messaging conventions. Never a passphrase, token, PIN or password on a span:
/// only names, ids, codes and the outcome.
/// </summary>
public static class WorkerTracing
{
    /// <summary>The one ActivitySource of the worker.</summary>
    public static readonly ActivitySource Source = new(TelemetryNames.Source, typeof(WorkerTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the <c>process</c> span of one delivery. When the message carries a producer context
    /// (RabbitMQ.Client 7 injects <c>traceparent</c> into the headers when its publisher has a
    /// listener), the span is its child and also links to it: the messaging conventions ask consumers
    /// to link the creation context, and the parent keeps the request in the producer's trace.
    /// </summary>
    internal static Activity? StartProcess(string queue, string? exchange, string routingKey, ulong deliveryTag, int bodySize, string lane,
        string? messageId, IReadOnlyDictionary<string, object?> headers)
    {
        if (!Source.HasListeners()) return null;
        var producer = ProducerContext(headers);
        var tags = new ActivityTagsCollection
        {
            [TelemetryNames.MessagingSystem] = TelemetryNames.RabbitMq,
            [TelemetryNames.OperationType] = TelemetryNames.ProcessOperation,
            [TelemetryNames.OperationName] = TelemetryNames.ProcessOperation,
            [TelemetryNames.DestinationName] = exchange ?? "",
            [TelemetryNames.SubscriptionName] = queue,
            [TelemetryNames.RoutingKey] = routingKey,
            [TelemetryNames.DeliveryTag] = (long)deliveryTag,
            [TelemetryNames.BodySize] = bodySize,
            [TelemetryNames.LaneTag] = lane,
        };
        if (messageId is { } id) tags[TelemetryNames.MessageId] = id;
        return producer is { } parent
            ? Source.StartActivity(ActivityKind.Consumer, parent, tags, [new ActivityLink(parent)], name: $"{TelemetryNames.ProcessOperation} {queue}")
            : Source.StartActivity(ActivityKind.Consumer, default(ActivityContext), tags, name: $"{TelemetryNames.ProcessOperation} {queue}");
    }

    /// <summary>Adds what the attempt came to: kind, outcome code, request and batch ids, settlement.</summary>
    /// <param name="activity">The process span.</param>
    /// <param name="kind">The request kind's wire name, or <c>unknown</c>.</param>
    /// <param name="outcome">The outcome label.</param>
    /// <param name="attempt">The attempt number.</param>
    /// <param name="settlement">What was done with the delivery.</param>
    /// <param name="requestId">The request id, when known.</param>
    /// <param name="batchId">The batch id, when there is one.</param>
    /// <param name="errorCode">A failure's error code; null for success. The code only: the failure's
    /// message may name a DN or a uid, which belong in the log.</param>
    internal static void Finish(Activity? activity, string kind, string outcome, int attempt, string settlement, string? requestId, string? batchId,
        string? errorCode)
    {
        if (activity is null) return;
        activity.SetTag(TelemetryNames.KindTag, kind);
        activity.SetTag(TelemetryNames.OutcomeTag, outcome);
        activity.SetTag(TelemetryNames.AttemptTag, attempt);
        activity.SetTag(TelemetryNames.SettlementTag, settlement);
        if (requestId is not null) activity.SetTag(TelemetryNames.RequestIdTag, requestId);
        if (batchId is not null) activity.SetTag(TelemetryNames.BatchIdTag, batchId);
        if (errorCode is not null)
        {
            activity.SetTag(TelemetryNames.ErrorType, errorCode);
            activity.SetStatus(ActivityStatusCode.Error, errorCode);
        }
    }

    /// <summary>Starts a child span for one dependency call (<c>hsm encrypt</c>, <c>directory store-enrollment-token</c>).</summary>
    internal static Activity? StartDependency(string spanPrefix, string dependency, string operation)
    {
        var activity = Source.StartActivity(spanPrefix + operation, ActivityKind.Client);
        activity?.SetTag(TelemetryNames.DependencyTag, dependency);
        activity?.SetTag(TelemetryNames.OperationTag, operation);
        return activity;
    }

    /// <summary>Marks a span failed with a bounded error type (an error code or an exception type), never the message.</summary>
    internal static void Failed(Activity? activity, string errorType)
    {
        if (activity is null) return;
        activity.SetTag(TelemetryNames.ErrorType, errorType);
        activity.SetStatus(ActivityStatusCode.Error, errorType);
    }

    /// <summary>Starts the <c>publish &lt;exchange&gt;</c> span of one outgoing message.</summary>
    internal static Activity? StartPublish(string exchange, string routingKey, int bodySize, string? messageId, string? correlationId)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity($"{TelemetryNames.PublishOperation} {exchange}", ActivityKind.Producer);
        if (activity is null) return null;
        activity.SetTag(TelemetryNames.MessagingSystem, TelemetryNames.RabbitMq);
        activity.SetTag(TelemetryNames.OperationType, TelemetryNames.SendOperationType);
        activity.SetTag(TelemetryNames.OperationName, TelemetryNames.PublishOperation);
        activity.SetTag(TelemetryNames.DestinationName, exchange);
        activity.SetTag(TelemetryNames.RoutingKey, routingKey);
        activity.SetTag(TelemetryNames.BodySize, bodySize);
        if (messageId is not null) activity.SetTag(TelemetryNames.MessageId, messageId);
        if (correlationId is not null) activity.SetTag(TelemetryNames.ConversationId, correlationId);
        return activity;
    }

    /// <summary>
    /// Writes <paramref name="activity"/>'s context into outgoing headers (W3C traceparent/tracestate,
    /// with the process-wide propagator, as RabbitMQ.Client does), so that whoever consumes a result,
    /// notice, retry or dead letter continues this trace.
    /// </summary>
    internal static void Inject(Activity? activity, IDictionary<string, object?> headers)
    {
        if (activity is null) return;
        headers.Remove(TelemetryNames.TraceParentHeader);
        headers.Remove(TelemetryNames.TraceStateHeader);
        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (carrier is IDictionary<string, object?> target) target[name] = value;
        });
    }

    /// <summary>The producer's context from the headers (AMQP strings arrive as byte arrays), or null.</summary>
    internal static ActivityContext? ProducerContext(IReadOnlyDictionary<string, object?> headers)
    {
        DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = carrier is IReadOnlyDictionary<string, object?> source && source.TryGetValue(name, out var raw) ? raw switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => null,
            } : null;
        }, out var traceParent, out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : null;
    }

    /// <summary>The lane as a tag value: interactive or bulk.</summary>
    internal static string LaneName(Lane lane) => lane switch
    {
        Lane.Interactive => "interactive",
        Lane.Bulk => "bulk",
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, "Unknown lane."),
    };
}
