namespace ShrTok.Batching;

/// <summary>
/// The state of every row of a batch: one byte per row, plus the code and message of failed rows.
/// Thread-safe: the publisher and the result consumer update it at the same time.
/// </summary>
internal sealed class BatchOutcomes
{
    private readonly RowState[] _states;
    private readonly bool[] _earlier;
    private readonly Dictionary<int, (string Code, string Message)> _failures = [];
    private readonly int[] _counts = new int[Enum.GetValues<RowState>().Length];
    private TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    public BatchOutcomes(int rows)
    {
        _states = new RowState[rows];
        _earlier = new bool[rows];
        _counts[(int)RowState.NotSent] = rows;
        if (rows == 0) _complete.TrySetResult();
    }

    public int Rows => _states.Length;

    /// <summary>
    /// Completes when every row has a final outcome. Read it after the last row was marked sent: a
    /// row sent again (a failed one) makes the batch incomplete again, and a new task stands for that.
    /// </summary>
    public Task Completion
    {
        get { lock (_lock) return _complete.Task; }
    }

    /// <summary>True for stored, cleared, failed and lost.</summary>
    public static bool IsFinal(RowState state) => state is not (RowState.NotSent or RowState.Sent);

    public RowState StateOf(int row)
    {
        lock (_lock) return _states[row];
    }

    /// <summary>Whether the row's state was read from an earlier run's journal (and not changed since).</summary>
    public bool FromEarlierRun(int row)
    {
        lock (_lock) return _earlier[row];
    }

    public (string Code, string Message)? FailureOf(int row)
    {
        lock (_lock) return _failures.TryGetValue(row, out var failure) ? failure : null;
    }

    /// <summary>Sets a row's state (and its failure when <paramref name="state"/> is failed or lost).</summary>
    public void Set(int row, RowState state, string? code = null, string? message = null, bool earlier = false)
    {
        lock (_lock)
        {
            _counts[(int)_states[row]]--;
            _states[row] = state;
            _counts[(int)state]++;
            _earlier[row] = earlier;
            if (state is RowState.Failed or RowState.Lost) _failures[row] = (code ?? "", message ?? "");
            else _failures.Remove(row);
            if (_counts[(int)RowState.NotSent] == 0 && _counts[(int)RowState.Sent] == 0) _complete.TrySetResult();
            else if (_complete.Task.IsCompleted) _complete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public BatchCounts Snapshot()
    {
        lock (_lock)
        {
            return new BatchCounts(Rows, _counts[(int)RowState.NotSent], _counts[(int)RowState.Sent], _counts[(int)RowState.Stored],
                _counts[(int)RowState.Cleared], _counts[(int)RowState.Failed], _counts[(int)RowState.Lost]);
        }
    }
}
