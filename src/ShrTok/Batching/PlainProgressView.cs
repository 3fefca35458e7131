using System.Globalization;

namespace ShrTok.Batching;

/// <summary>Progress as one line per interval, for logs and pipes (stdout not a terminal).</summary>
internal sealed class PlainProgressView(TextWriter output, TimeSpan interval, TimeProvider time) : IBatchProgressView
{
    public async Task ShowAsync(string title, Func<BatchCounts> snapshot, Task until, CancellationToken cancellationToken)
    {
        var text = new BatchProgressText(snapshot(), time.GetTimestamp(), time);
        while (!until.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAny(until, Task.Delay(interval, time, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Write(title, text, snapshot());
        }
    }

    private void Write(string title, BatchProgressText text, BatchCounts now) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():HH:mm:ss} {title}: {text.Describe(now)}"));
}
