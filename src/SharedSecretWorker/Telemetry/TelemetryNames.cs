namespace SharedSecretWorker.Telemetry;

/// <summary>
/// Every telemetry name of the worker in one place. Metric names follow the OpenTelemetry naming
/// guidelines (dot-separated namespaces, UCUM units, durations in seconds, annotations such as
/// <c>{request}</c> for counts); the Prometheus exporter turns <c>shrtok.request.processing.duration</c>
/// with unit <c>s</c> into <c>shrtok_request_processing_duration_seconds</c> and adds <c>_total</c> to
/// counters. The dashboards and alert rules in deploy/ use those Prometheus names.
/// Span attributes follow the OpenTelemetry messaging conventions.
/// </summary>
public static class TelemetryNames
{
    /// <summary>The worker's one ActivitySource and one Meter.</summary>
    public const string Source = "SharedSecretWorker";

    /// <summary>service.name of the worker's resource.</summary>
    public const string ServiceName = "shared-secret-worker";

    /// <summary>
    /// The .NET runtime's own meter (GC heap sizes and collections, working set, thread pool;
    /// built into .NET 9 and later), exported next to ours so that memory is on the same dashboard.
    /// </summary>
    public const string RuntimeMeter = "System.Runtime";

    // ---- metrics: requests ----

    /// <summary>Counter: request attempts finished, by kind and outcome.</summary>
    public const string Processed = "shrtok.requests.processed";

    /// <summary>Histogram (s): time from taking a delivery to settling it, one attempt.</summary>
    public const string ProcessingDuration = "shrtok.request.processing.duration";

    /// <summary>Histogram (s): now minus the producer's publish timestamp, at the final settlement.</summary>
    public const string EndToEndLag = "shrtok.request.lag";

    /// <summary>Gauge: jobs holding a concurrency slot.</summary>
    public const string InFlight = "shrtok.requests.in_flight";

    /// <summary>Gauge: the concurrency limit (Worker:MaxConcurrency), to draw in-flight against.</summary>
    public const string InFlightLimit = "shrtok.requests.in_flight.limit";

    /// <summary>Counter: requests sent to a retry queue.</summary>
    public const string Retries = "shrtok.requests.retried";

    /// <summary>Counter: requests dead-lettered.</summary>
    public const string DeadLetters = "shrtok.requests.dead_lettered";

    // ---- metrics: dependencies ----

    /// <summary>Histogram (s): one call into the token engine (HSM): encrypt, random, probe.</summary>
    public const string HsmDuration = "shrtok.hsm.operation.duration";

    /// <summary>Counter: token engine (HSM) calls that failed, by operation and error type.</summary>
    public const string HsmErrors = "shrtok.hsm.operation.errors";

    /// <summary>Histogram (s): one directory store operation (search and modify of one entry).</summary>
    public const string DirectoryDuration = "shrtok.directory.operation.duration";

    /// <summary>Counter: directory operations that failed, by operation and error type.</summary>
    public const string DirectoryErrors = "shrtok.directory.operation.errors";

    /// <summary>Histogram (s): time from publish to the broker's confirm.</summary>
    public const string ConfirmDuration = "shrtok.broker.confirm.duration";

    /// <summary>Counter: automatic recoveries of the broker connection.</summary>
    public const string ConnectionRecoveries = "shrtok.broker.connection.recoveries";

    /// <summary>Gauge: 1 while a dependency's circuit breaker is open, else 0.</summary>
    public const string CircuitState = "shrtok.circuit_breaker.state";

    /// <summary>Gauge: 1 while the last health check of a dependency (broker, directory, hsm) passed, else 0.</summary>
    public const string DependencyUp = "shrtok.dependency.up";

    // ---- metrics: token lifecycle ----

    /// <summary>Gauge: tokens now in the directory, by kind, as last counted (Lifecycle:CensusInterval).</summary>
    public const string TokensOutstanding = "shrtok.tokens.outstanding";

    /// <summary>Gauge: tokens still in the directory after their expiry, by kind: the expiry sweep is behind or not running.</summary>
    public const string TokensOverdue = "shrtok.tokens.overdue";

    /// <summary>Gauge: tokens with no record of issue (written before records were kept, or by hand): they never expire.</summary>
    public const string TokensUnrecorded = "shrtok.tokens.unrecorded";

    // ---- metric and span attributes of our own ----

    /// <summary>Request kind (enrollment, revocation, clear, unknown).</summary>
    public const string KindTag = "shrtok.request.kind";

    /// <summary>Outcome: completed, duplicate, abandoned or the failure's error code.</summary>
    public const string OutcomeTag = "shrtok.outcome";

    /// <summary>Dependency: broker, directory or hsm.</summary>
    public const string DependencyTag = "shrtok.dependency";

    /// <summary>Operation of a dependency (encrypt, random, probe; store-enrollment-token, ...).</summary>
    public const string OperationTag = "shrtok.operation";

    /// <summary>Lane (interactive, bulk).</summary>
    public const string LaneTag = "shrtok.lane";

    /// <summary>Span only: the request id (also the AMQP message id).</summary>
    public const string RequestIdTag = "shrtok.request.id";

    /// <summary>Span only (cardinality): the batch id of a bulk request.</summary>
    public const string BatchIdTag = "shrtok.batch.id";

    /// <summary>Span only: attempt number of this delivery.</summary>
    public const string AttemptTag = "shrtok.attempt";

    /// <summary>Span only: what was done with the delivery (Ack, RetryLater, DeadLetter, HandBack).</summary>
    public const string SettlementTag = "shrtok.settlement";

    /// <summary>Span only: the LDAP operations a directory span is made of.</summary>
    public const string LdapOperationsTag = "shrtok.directory.ldap_operations";

    // ---- OpenTelemetry semantic conventions ----

    /// <summary>Semantic convention: the class of an error (an error code or exception type).</summary>
    public const string ErrorType = "error.type";

    /// <summary>Messaging convention: messaging.system.</summary>
    public const string MessagingSystem = "messaging.system";

    /// <summary>messaging.system value for RabbitMQ.</summary>
    public const string RabbitMq = "rabbitmq";

    /// <summary>Messaging convention: exchange for RabbitMQ.</summary>
    public const string DestinationName = "messaging.destination.name";

    /// <summary>Messaging convention: the queue a message was consumed from.</summary>
    public const string SubscriptionName = "messaging.destination.subscription.name";

    /// <summary>Messaging convention: process, send, settle, ...</summary>
    public const string OperationType = "messaging.operation.type";

    /// <summary>Messaging convention: the system-specific operation name.</summary>
    public const string OperationName = "messaging.operation.name";

    /// <summary>Messaging convention: the message id.</summary>
    public const string MessageId = "messaging.message.id";

    /// <summary>Messaging convention: the message's conversation (correlation) id.</summary>
    public const string ConversationId = "messaging.message.conversation_id";

    /// <summary>Messaging convention: body size in bytes.</summary>
    public const string BodySize = "messaging.message.body.size";

    /// <summary>RabbitMQ convention: the routing key.</summary>
    public const string RoutingKey = "messaging.rabbitmq.destination.routing_key";

    /// <summary>RabbitMQ convention: the delivery tag.</summary>
    public const string DeliveryTag = "messaging.rabbitmq.message.delivery_tag";

    /// <summary>W3C trace context header carrying the producer's span (RabbitMQ.Client 7 writes it).</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>W3C trace context vendor state header.</summary>
    public const string TraceStateHeader = "tracestate";

    // ---- span names and operation values ----

    /// <summary>Span name prefix and operation name of processing one delivery.</summary>
    public const string ProcessOperation = "process";

    /// <summary>Span name prefix and operation name of a publish (messaging.operation.type send).</summary>
    public const string PublishOperation = "publish";

    /// <summary>messaging.operation.type of a publish.</summary>
    public const string SendOperationType = "send";

    /// <summary>Span name prefix of HSM work.</summary>
    public const string HsmSpanPrefix = "hsm ";

    /// <summary>Span name prefix of directory work.</summary>
    public const string DirectorySpanPrefix = "directory ";

    /// <summary>Dependency value: the broker.</summary>
    public const string Broker = "broker";

    /// <summary>Dependency value: the directory.</summary>
    public const string Directory = "directory";

    /// <summary>Dependency value: the HSM (token engine).</summary>
    public const string Hsm = "hsm";
}
