using System.Text.Json;
using SharedSecretWorker.Contracts.Requests;
using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class BatchCompletionTests
{
    [Fact]
    public void The_event_counts_rows_by_final_status_and_leaves_out_zero_counts()
    {
        var counts = new BatchCounts(Rows: 2003, NotSent: 0, InFlight: 0, Stored: 2000, Cleared: 0, Failed: 3, Lost: 0);
        var at = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

        var json = JsonSerializer.Serialize(BatchCompletion.EventOf("onb", RequestKind.Enrollment, counts, at), BatchStateJson.Default.BatchCompletedEvent);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("onb", root.GetProperty("batchId").GetString());
        Assert.Equal("enrollment", root.GetProperty("kind").GetString());
        Assert.Equal(2003, root.GetProperty("rows").GetInt32());
        Assert.Equal(["stored", "failed"], root.GetProperty("counts").EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, root.GetProperty("counts").GetProperty("failed").GetInt32());
        Assert.Equal(at, root.GetProperty("completedAt").GetDateTimeOffset());
    }

    [Fact]
    public void Rows_whose_result_was_lost_count_as_unknown()
    {
        var counts = new BatchCounts(5, 0, 0, 4, 0, 0, 1);
        var completed = BatchCompletion.EventOf("b", RequestKind.Revocation, counts, DateTimeOffset.UnixEpoch);
        Assert.Equal(1, completed.Counts["unknown"]);
        Assert.Equal("revocation", completed.Kind);
    }
}
