using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Batching;

public sealed class PlainProgressViewTests
{
    [Fact]
    public async Task Lines_come_each_interval_with_done_failed_in_flight_rate_and_eta()
    {
        var output = new StringWriter();
        var counts = new BatchCounts(100, 0, 100, 0, 0, 0, 0);
        var view = new PlainProgressView(output, TimeSpan.FromMilliseconds(50), TimeProvider.System);
        var stop = new TaskCompletionSource();
        var showing = view.ShowAsync("batch b1", () => Volatile.Read(ref counts), stop.Task, CancellationToken.None);

        await Task.Delay(120);
        Volatile.Write(ref counts, new BatchCounts(100, 0, 40, 58, 0, 2, 0));
        await Task.Delay(150);
        stop.SetResult();
        await showing.WaitAsync(TimeSpan.FromSeconds(5));

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, output.ToString());
        Assert.Contains("batch b1: 0/100 done, 0 ok, 0 failed, 100 in flight", lines[0]);
        Assert.Contains("ETA ?", lines[0]);
        var last = lines[^1];
        Assert.Contains("60/100 done, 58 ok, 2 failed, 40 in flight", last);
        Assert.Matches(@"\d+(\.\d)?/s, ETA 0:00:0\d", last);
    }
}
