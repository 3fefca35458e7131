using System.ComponentModel.DataAnnotations;

namespace SharedSecretWorker.Processing;

/// <summary>When to stop taking work because the directory or the HSM is down (section <c>CircuitBreaker</c>).</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "CircuitBreaker";

    /// <summary>Default consecutive transient failures of one dependency that open its breaker.</summary>
    public const int DefaultFailureThreshold = 2;

    /// <summary>Default time between health probes while a breaker is open.</summary>
    public static readonly TimeSpan DefaultProbeInterval = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive transient failures that open the breaker (one success resets the count).</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = DefaultFailureThreshold;

    /// <summary>Time between probes while open; the breaker closes on the first probe that succeeds.</summary>
    public TimeSpan ProbeInterval { get; set; } = DefaultProbeInterval;
}
