using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Stops the worker taking new jobs while a dependency (directory, HSM) is down, instead of
/// burning every queued message's attempts against it, and resumes by itself: while open, a probe
/// runs every <see cref="CircuitBreakerOptions.ProbeInterval"/> and the first success closes it.
/// </summary>
internal sealed class CircuitBreaker : IDisposable
{
    private readonly Func<CancellationToken, Task> _probe;
    private readonly CircuitBreakerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private TaskCompletionSource _closed = NewClosedSignal(completed: true);
    private int _consecutiveFailures;
    private bool _open;
    private string? _fault;
    private Func<CancellationToken, Task>? _faultCheck;

    public CircuitBreaker(string dependency, Func<CancellationToken, Task> probe, CircuitBreakerOptions options, TimeProvider time, ILogger logger)
    {
        Dependency = dependency;
        _probe = probe;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>What the breaker guards: <c>directory</c> or <c>hsm</c>.</summary>
    public string Dependency { get; }

    public bool IsOpen
    {
        get { lock (_gate) return _open; }
    }

    /// <summary>
    /// While the breaker is open for a fault of the worker's own setup
    /// (<see cref="ReportWorkerFault"/>): what an operator must fix, for /readyz. Null otherwise.
    /// </summary>
    public string? Fault
    {
        get { lock (_gate) return _open ? _fault : null; }
    }

    /// <summary>Completes at once while closed; otherwise when a probe succeeds.</summary>
    public Task WaitUntilClosedAsync(CancellationToken cancellationToken)
    {
        Task closed;
        lock (_gate) closed = _closed.Task;
        return closed.IsCompleted ? Task.CompletedTask : closed.WaitAsync(cancellationToken);
    }

    public void ReportSuccess()
    {
        lock (_gate) _consecutiveFailures = 0;
    }

    public void ReportTransientFailure()
    {
        lock (_gate)
        {
            if (_open || ++_consecutiveFailures < _options.FailureThreshold) return;
            _open = true;
            _closed = NewClosedSignal(completed: false);
        }
        ProcessingLog.CircuitOpened(_logger, Dependency, _options.ProbeInterval);
        _ = ProbeUntilHealthyAsync();
    }

    /// <summary>
    /// A fault of the worker's own setup (a PIN the HSM refuses, a missing key, access rules the
    /// directory no longer grants): no threshold, the breaker opens at once, because every request
    /// taken meanwhile would fail the same way. It closes only when the dependency's probe and
    /// <paramref name="check"/> (a test of this very fault, e.g. write access where the write was
    /// refused) both pass. Logged once per outage, with <paramref name="problem"/>.
    /// </summary>
    public void ReportWorkerFault(string problem, Func<CancellationToken, Task>? check = null)
    {
        bool opened;
        lock (_gate)
        {
            _fault = problem;
            _faultCheck = check;
            opened = !_open;
            if (opened)
            {
                _open = true;
                _closed = NewClosedSignal(completed: false);
            }
        }
        if (!opened) return;
        ProcessingLog.CircuitOpenedByFault(_logger, Dependency, problem, _options.ProbeInterval);
        _ = ProbeUntilHealthyAsync();
    }

    private async Task ProbeUntilHealthyAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ProbeInterval, _time, token).ConfigureAwait(false);
                await _probe(token).ConfigureAwait(false);
                Func<CancellationToken, Task>? check;
                lock (_gate) check = _faultCheck;
                if (check is not null) await check(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ProcessingLog.CircuitProbeFailed(_logger, Dependency, ex.Message);
                continue;
            }
            TaskCompletionSource closed;
            lock (_gate)
            {
                _open = false;
                _consecutiveFailures = 0;
                _fault = null;
                _faultCheck = null;
                closed = _closed;
            }
            ProcessingLog.CircuitClosed(_logger, Dependency);
            closed.TrySetResult();
            return;
        }
    }

    private static TaskCompletionSource NewClosedSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed) signal.SetResult();
        return signal;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
