using Spectre.Console;

namespace ShrTok.Batching;

/// <summary>Progress as a live bar on a terminal (Spectre.Console), redrawn a few times a second.</summary>
internal sealed class LiveProgressView(IAnsiConsole console, TimeProvider time) : IBatchProgressView
{
    /// <summary>Redraw interval: smooth to the eye, negligible work.</summary>
    private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(250);

    public async Task ShowAsync(string title, Func<BatchCounts> snapshot, Task until, CancellationToken cancellationToken)
    {
        var text = new BatchProgressText(snapshot(), time.GetTimestamp(), time);
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var now = snapshot();
                var task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(1, now.Rows));
                while (true)
                {
                    now = snapshot();
                    task.Value = now.Done;
                    task.Description = Markup.Escape($"{title}: {text.Describe(now)}");
                    if (until.IsCompleted || cancellationToken.IsCancellationRequested) break;
                    try
                    {
                        await Task.WhenAny(until, Task.Delay(Redraw, time, cancellationToken)).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
                if (now.Complete) task.StopTask();
            }).ConfigureAwait(false);
    }
}
