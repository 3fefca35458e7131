namespace SharedSecretWorker.Telemetry;

/// <summary>Bounded error types for metrics and spans: never an exception's message (it may name a DN or uid).</summary>
internal static class DependencyErrors
{
    /// <summary>The cancellation of a call (shutdown, a job handed back).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The HSM is unavailable for now.</summary>
    public const string HsmUnavailable = "hsm-unavailable";

    /// <summary>The directory is unavailable for now.</summary>
    public const string DirectoryUnavailable = "unavailable";
}
