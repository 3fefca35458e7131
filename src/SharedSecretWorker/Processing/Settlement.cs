namespace SharedSecretWorker.Processing;

/// <summary>The decision of <see cref="SettlementPolicy"/>.</summary>
/// <param name="Action">What to do with the delivery.</param>
/// <param name="RetryStep">For <see cref="SettlementAction.RetryLater"/>: index into <see cref="RetryOptions.Delays"/>; otherwise -1.</param>
/// <param name="GaveUp">True when a transient failure used its last attempt (the result says so).</param>
public readonly record struct Settlement(SettlementAction Action, int RetryStep = -1, bool GaveUp = false)
{
    /// <summary>Acknowledge.</summary>
    public static Settlement Ack { get; } = new(SettlementAction.Ack);

    /// <summary>Back to the queue.</summary>
    public static Settlement HandBack { get; } = new(SettlementAction.HandBack);
}
