using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class BatchOutcomesTests
{
    [Fact]
    public void Counts_follow_every_change()
    {
        var outcomes = new BatchOutcomes(3);
        outcomes.Set(0, RowState.Sent);
        outcomes.Set(1, RowState.Sent);
        outcomes.Set(0, RowState.Stored);
        outcomes.Set(2, RowState.Failed, "unknown-uid", "no such user", earlier: true);
        var counts = outcomes.Snapshot();
        Assert.Equal(new BatchCounts(3, 0, 1, 1, 0, 1, 0), counts);
        Assert.Equal(2, counts.Done);
        Assert.False(counts.Complete);
        Assert.Equal(("unknown-uid", "no such user"), outcomes.FailureOf(2));
        Assert.True(outcomes.FromEarlierRun(2));
        Assert.Null(outcomes.FailureOf(0));
    }

    [Fact]
    public async Task Completion_comes_when_the_last_row_is_final_and_again_after_a_row_is_sent_anew()
    {
        var outcomes = new BatchOutcomes(2);
        outcomes.Set(0, RowState.Stored);
        Assert.False(outcomes.Completion.IsCompleted);
        outcomes.Set(1, RowState.Failed, "unknown-uid", "x");
        await outcomes.Completion.WaitAsync(TimeSpan.FromSeconds(1));

        outcomes.Set(1, RowState.Sent); // the failed row is sent again
        var again = outcomes.Completion;
        Assert.False(again.IsCompleted);
        outcomes.Set(1, RowState.Stored);
        await again.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.True(outcomes.Snapshot().AllSucceeded);
    }
}
