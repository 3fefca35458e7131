using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Transient-failure retries (section <c>Retry</c>). RabbitMQ 3.10 quorum queues cannot delay a
/// message, so each delay is a queue whose message TTL dead-letters back to the request lane
/// (one queue per delay and lane); see <c>Broker/Topology</c> and <c>Broker/DelayedDelivery</c>.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Retry";

    /// <summary>Default delays: exponential, about two minutes in all, longer than a directory restart.</summary>
    public static readonly TimeSpan[] DefaultDelays =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60),
    ];

    /// <summary>Default share of each delay taken off at random so that retries of one outage do not arrive together.</summary>
    public const double DefaultJitter = 0.2;

    /// <summary>
    /// The delays configured as <c>Retry:Delays:N</c>; empty means <see cref="DefaultDelays"/>. Kept apart
    /// from <see cref="Delays"/> because the configuration binder appends to an array that already
    /// has elements: with the defaults as the initial value, two configured delays became nine.
    /// </summary>
    [ConfigurationKeyName("Delays"), MaxLength(20)]
    public TimeSpan[] ConfiguredDelays { get; set; } = [];

    /// <summary>
    /// Delay before attempt n+1 after transient failure n. The number of attempts is one more than
    /// the number of delays: after the last delay's attempt fails, the request fails.
    /// </summary>
    public TimeSpan[] Delays => ConfiguredDelays.Length > 0 ? ConfiguredDelays : DefaultDelays;

    /// <summary>Fraction (0 to 0.5) of a delay removed at random per message (full jitter would reorder steps).</summary>
    [Range(0.0, 0.5)]
    public double Jitter { get; set; } = DefaultJitter;

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts => Delays.Length + 1;
}
