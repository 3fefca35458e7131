using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class PlainProgressViewTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Lines_come_each_interval_with_done_failed_in_flight_rate_and_eta()
    {
        var output = new SynchronizedWriter();
        var counts = new BatchCounts(100, 0, 100, 0, 0, 0, 0);
        var view = new PlainProgressView(output, TimeSpan.FromMilliseconds(20), TimeProvider.System);
        var stop = new TaskCompletionSource();
        var showing = view.ShowAsync("batch b1", () => Volatile.Read(ref counts), stop.Task, CancellationToken.None);

        await output.WaitForAsync("0/100 done", Patience);
        Volatile.Write(ref counts, new BatchCounts(100, 0, 40, 58, 0, 2, 0));
        await output.WaitForAsync("60/100 done", Patience);
        stop.SetResult();
        await showing.WaitAsync(Patience);

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("batch b1: 0/100 done, 0 ok, 0 failed, 100 in flight", lines[0]);
        Assert.Contains("ETA ?", lines[0]);
        var last = lines[^1];
        Assert.Contains("60/100 done, 58 ok, 2 failed, 40 in flight", last);
        Assert.Matches(@"\d+(\.\d)?/s, ETA \d+:\d\d:\d\d$", last);
    }

    /// <summary>A StringWriter the view writes to from its own task while the test reads it.</summary>
    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void WriteLine(string? value)
        {
            lock (_lock) base.WriteLine(value);
        }

        public override string ToString()
        {
            lock (_lock) return base.ToString();
        }

        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!ToString().Contains(text, StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no line with '{text}' in:\n{this}");
                await Task.Delay(5);
            }
        }
    }
}
