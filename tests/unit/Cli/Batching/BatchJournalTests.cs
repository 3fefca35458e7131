using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class BatchJournalTests : IDisposable
{
    private readonly BatchFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Events_read_back_in_order_with_messages_kept_on_one_line()
    {
        using (var journal = BatchJournal.Append(_files.Folder))
        {
            journal.Write("sent", "b:enrollment:a");
            journal.Write("failed", "b:enrollment:a", "unknown-uid", "no entry\twith\nuid a", flush: true);
        }
        using (var journal = BatchJournal.Append(_files.Folder)) journal.Write("stored", "b:enrollment:b");
        File.AppendAllText(Path.Combine(_files.Folder, BatchJournal.FileName), "stor"); // a torn last line

        var events = BatchJournal.Read(_files.Folder).ToList();
        Assert.Equal(3, events.Count);
        Assert.Equal(("sent", "b:enrollment:a", (string?)null, (string?)null), events[0]);
        Assert.Equal(("failed", "b:enrollment:a", "unknown-uid", "no entry with uid a"), events[1]);
        Assert.Equal("stored", events[2].Status);
    }

    [Fact]
    public void A_second_process_cannot_lock_the_same_batch()
    {
        var folder = Path.Combine(_files.Folder, "b1");
        using var first = BatchStateFolder.Lock(folder);
        var refused = Assert.Throws<InvalidOperationException>(() => BatchStateFolder.Lock(folder));
        Assert.Contains("Another shrtok process", refused.Message);
    }

    [Fact]
    public void The_manifest_round_trips()
    {
        var folder = Path.Combine(_files.Folder, "b2");
        var manifest = new BatchManifest("b2", "enrollment", "/in.csv", "ab", 3, 1, "amq.gen-x", DateTimeOffset.UnixEpoch, false);
        using (var state = BatchStateFolder.Lock(folder)) state.WriteManifest(manifest);
        Assert.Equal(manifest, BatchStateFolder.ReadManifest(folder));
        Assert.Null(BatchStateFolder.ReadManifest(Path.Combine(_files.Folder, "none")));
    }
}
