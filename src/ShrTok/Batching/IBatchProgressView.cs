namespace ShrTok.Batching;

/// <summary>Shows a batch's progress until <c>until</c> completes (a seam: terminal or plain lines).</summary>
internal interface IBatchProgressView
{
    Task ShowAsync(string title, Func<BatchCounts> snapshot, Task until, CancellationToken cancellationToken);
}
