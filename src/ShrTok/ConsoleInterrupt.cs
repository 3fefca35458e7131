namespace ShrTok;

/// <summary>
/// Ctrl-C for a command that reads or waits: the first one cancels <see cref="Token"/> so that the command
/// ends cleanly with what it has printed; a second one ends the process as usual.
/// </summary>
internal sealed class ConsoleInterrupt : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly ConsoleCancelEventHandler _handler;

    public ConsoleInterrupt()
    {
        _handler = (_, e) =>
        {
            if (_source.IsCancellationRequested) return;
            e.Cancel = true;
            _source.Cancel();
        };
        Console.CancelKeyPress += _handler;
    }

    public CancellationToken Token => _source.Token;

    public bool IsRequested => _source.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= _handler;
        _source.Dispose();
    }
}
