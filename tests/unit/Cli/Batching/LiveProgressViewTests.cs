using Spectre.Console;
using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class LiveProgressViewTests
{
    [Fact]
    public async Task The_bar_shows_the_counts_and_ends_with_the_batch()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 160;
        var counts = new BatchCounts(10, 0, 10, 0, 0, 0, 0);
        var stop = new TaskCompletionSource();
        var showing = new LiveProgressView(console, TimeProvider.System).ShowAsync("batch [b1]", () => Volatile.Read(ref counts), stop.Task, CancellationToken.None);

        Volatile.Write(ref counts, new BatchCounts(10, 0, 0, 9, 0, 1, 0));
        await Task.Delay(400);
        stop.SetResult();
        await showing.WaitAsync(TimeSpan.FromSeconds(5));

        var text = output.ToString();
        Assert.Contains("batch [b1]", text); // markup in the title is escaped, not interpreted
        Assert.Contains("10/10 done, 9 ok, 1 failed", text);
        Assert.Contains("100%", text);
    }
}
