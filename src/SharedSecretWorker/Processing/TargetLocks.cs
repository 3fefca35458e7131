namespace SharedSecretWorker.Processing;

/// <summary>
/// Two jobs for the same uid or serial never run at the same time in one worker, so the notice
/// published last for a target is the one for the token written last (docs/messages.md, "Ordering and duplicates").
/// Entries live only while someone holds or waits for them: memory is bounded by the jobs in flight.
/// </summary>
internal sealed class TargetLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Number of targets locked or waited for (for tests and diagnostics).</summary>
    public int Count
    {
        get { lock (_entries) return _entries.Count; }
    }

    /// <summary>Waits until no other job holds <paramref name="target"/>; dispose the result to release it.</summary>
    public async ValueTask<IDisposable> AcquireAsync(string target, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(target, out entry!))
            {
                entry = new Entry();
                _entries.Add(target, entry);
            }
            entry.Users++;
        }
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(target, entry, held: false);
            throw;
        }
        return new Holder(this, target, entry);
    }

    private void Leave(string target, Entry entry, bool held)
    {
        if (held) entry.Semaphore.Release();
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(target);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Holders and waiters; guarded by the dictionary's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Holder(TargetLocks owner, string target, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Leave(target, entry, held: true);
        }
    }
}
