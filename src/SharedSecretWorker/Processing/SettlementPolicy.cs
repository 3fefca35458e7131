namespace SharedSecretWorker.Processing;

/// <summary>
/// Settling a delivery is a pure function of how the attempt ended and which attempt it was,
/// so that every combination can be tested (tests/unit/Processing/SettlementPolicyTests).
/// </summary>
public static class SettlementPolicy
{
    /// <summary>Decides what happens to a delivery.</summary>
    /// <param name="outcome">How the attempt ended.</param>
    /// <param name="attempt">This attempt's number, 1 for the first (the worker's own <c>x-shrtok-attempt</c> header).</param>
    /// <param name="maxAttempts">Attempts allowed in all (<see cref="RetryOptions.MaxAttempts"/>).</param>
    public static Settlement Decide(OutcomeKind outcome, int attempt, int maxAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        // A header a producer forged (0, negative) counts as the first attempt; one past the
        // limit (a copy re-published by hand) gets no further retries.
        attempt = Math.Max(attempt, 1);
        return outcome switch
        {
            OutcomeKind.Completed or OutcomeKind.Duplicate => Settlement.Ack,
            OutcomeKind.PermanentFailure => new Settlement(SettlementAction.DeadLetter),
            OutcomeKind.TransientFailure when attempt < maxAttempts =>
                new Settlement(SettlementAction.RetryLater, RetryStep: attempt - 1),
            OutcomeKind.TransientFailure => new Settlement(SettlementAction.DeadLetter, GaveUp: true),
            OutcomeKind.Abandoned or OutcomeKind.DeliveryLost => Settlement.HandBack,
            OutcomeKind.Misrouted => new Settlement(SettlementAction.RouteToPartition),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown outcome"),
        };
    }
}
