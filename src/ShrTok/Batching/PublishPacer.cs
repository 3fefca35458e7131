namespace ShrTok.Batching;

/// <summary>
/// Keeps publishing at or below a rate (requests per second, <c>--rate</c>): the n-th publish waits
/// until n / rate seconds after the first, so short stalls are caught up without bursts above the
/// average. No rate: never waits.
/// </summary>
internal sealed class PublishPacer(double? perSecond, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private long _count;

    public async ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        if (perSecond is not { } rate) return;
        var due = TimeSpan.FromSeconds(_count++ / rate);
        var wait = due - time.GetElapsedTime(_start);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
    }
}
