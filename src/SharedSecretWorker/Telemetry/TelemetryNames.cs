namespace SharedSecretWorker.Telemetry;

/// <summary>
/// Every telemetry name in one place (OpenTelemetry semantic conventions: durations in seconds,
/// counts of messages in <c>{message}</c>).
/// </summary>
public static class TelemetryNames
{
    /// <summary>The worker's ActivitySource and Meter name.</summary>
    public const string Source = "SharedSecretWorker";

    /// <summary>Requests finished, by kind and outcome.</summary>
    public const string Processed = "shrtok.requests.processed";

    /// <summary>Time from delivery to settlement of one attempt.</summary>
    public const string ProcessingDuration = "shrtok.requests.processing.duration";

    /// <summary>Now minus the producer's publish timestamp, at settlement.</summary>
    public const string EndToEndLag = "shrtok.requests.lag";

    /// <summary>Jobs holding a concurrency slot.</summary>
    public const string InFlight = "shrtok.requests.in_flight";

    /// <summary>The concurrency limit (to draw in-flight against).</summary>
    public const string ConcurrencyLimit = "shrtok.requests.concurrency_limit";

    /// <summary>Requests sent to a retry queue.</summary>
    public const string Retries = "shrtok.requests.retries";

    /// <summary>Requests dead-lettered.</summary>
    public const string DeadLetters = "shrtok.requests.dead_lettered";

    /// <summary>1 while a dependency's circuit breaker is open.</summary>
    public const string CircuitOpen = "shrtok.circuit.open";

    /// <summary>Connection recoveries of the broker client.</summary>
    public const string ConnectionRecoveries = "shrtok.broker.connection.recoveries";

    /// <summary>Time from publish to broker confirm.</summary>
    public const string ConfirmDuration = "shrtok.broker.confirm.duration";

    /// <summary>Tag: request kind.</summary>
    public const string KindTag = "shrtok.request.kind";

    /// <summary>Tag: outcome (stored, cleared, failed code).</summary>
    public const string OutcomeTag = "shrtok.outcome";

    /// <summary>Tag: dependency of a breaker.</summary>
    public const string DependencyTag = "shrtok.dependency";

    /// <summary>Tag: lane.</summary>
    public const string LaneTag = "shrtok.lane";
}
