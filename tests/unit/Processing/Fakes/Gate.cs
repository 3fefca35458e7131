namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>
/// Holds one call of a fake until the test opens it: <see cref="Entered"/> completes when the call
/// arrives, the call continues when <see cref="Open"/> is called (or fails when its token is cancelled).
/// Ordering is asserted with these, never with sleeps.
/// </summary>
internal sealed class Gate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the held call has arrived.</summary>
    public Task Entered => _entered.Task;

    public void Open() => _open.TrySetResult();

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _open.Task.WaitAsync(cancellationToken);
    }
}
