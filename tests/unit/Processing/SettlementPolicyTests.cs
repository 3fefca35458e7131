using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>Every outcome at every attempt from below the range to past it, for several limits.</summary>
public sealed class SettlementPolicyTests
{
    public static TheoryData<OutcomeKind, int, int> AllCombinations()
    {
        var data = new TheoryData<OutcomeKind, int, int>();
        foreach (var outcome in Enum.GetValues<OutcomeKind>())
            foreach (var max in new[] { 1, 2, 3, 8 })
                for (var attempt = -1; attempt <= max + 2; attempt++)
                    data.Add(outcome, attempt, max);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCombinations))]
    public void Decides_every_outcome_at_every_attempt(OutcomeKind outcome, int attempt, int max)
    {
        var settlement = SettlementPolicy.Decide(outcome, attempt, max);
        var effective = Math.Max(attempt, 1);
        switch (outcome)
        {
            case OutcomeKind.Completed:
            case OutcomeKind.Duplicate:
                Assert.Equal(Settlement.Ack, settlement);
                break;
            case OutcomeKind.PermanentFailure:
                // Never retried, whatever the attempt.
                Assert.Equal(new Settlement(SettlementAction.DeadLetter), settlement);
                break;
            case OutcomeKind.TransientFailure when effective < max:
                Assert.Equal(new Settlement(SettlementAction.RetryLater, RetryStep: effective - 1), settlement);
                Assert.InRange(settlement.RetryStep, 0, max - 2);
                break;
            case OutcomeKind.TransientFailure:
                Assert.Equal(new Settlement(SettlementAction.DeadLetter, GaveUp: true), settlement);
                break;
            case OutcomeKind.Abandoned:
            case OutcomeKind.DeliveryLost:
                // Not an attempt: the message goes back, whatever the attempt.
                Assert.Equal(Settlement.HandBack, settlement);
                break;
            case OutcomeKind.Misrouted:
                // Not an attempt either: routed on to its partition, whatever the attempt.
                Assert.Equal(new Settlement(SettlementAction.RouteToPartition), settlement);
                break;
            default:
                Assert.Fail($"untested outcome {outcome}");
                break;
        }
    }

    [Fact]
    public void A_transient_failure_is_tried_exactly_max_attempts_times()
    {
        var options = new RetryOptions();
        var attempts = 0;
        for (var attempt = 1; ; attempt++)
        {
            attempts++;
            var settlement = SettlementPolicy.Decide(OutcomeKind.TransientFailure, attempt, options.MaxAttempts);
            if (settlement.Action != SettlementAction.RetryLater)
            {
                Assert.True(settlement.GaveUp);
                break;
            }
            Assert.True(settlement.RetryStep < options.Delays.Length, "every retry step has a delay queue");
        }
        Assert.Equal(options.MaxAttempts, attempts);
    }

    [Fact]
    public void Rejects_a_limit_below_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SettlementPolicy.Decide(OutcomeKind.Completed, 1, 0));

    [Fact]
    public void Rejects_an_undefined_outcome() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SettlementPolicy.Decide((OutcomeKind)99, 1, 3));
}
