namespace SharedSecretWorker.Telemetry;

/// <summary>
/// Explicit bucket bounds (seconds) given to the SDK as instrument advice: its default bounds are
/// meant for milliseconds (0 to 10000) and would put every one of our durations in the first bucket.
/// </summary>
internal static class HistogramBuckets
{
    /// <summary>One request attempt: a token, an LDAP write, two confirmed publishes.</summary>
    public static readonly double[] Processing = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Queue lag: from the producer's publish (whole seconds, AMQP timestamp) to settlement.</summary>
    public static readonly double[] Lag = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

    /// <summary>One HSM call, one LDAP operation or one publisher confirm.</summary>
    public static readonly double[] Dependency = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
}
