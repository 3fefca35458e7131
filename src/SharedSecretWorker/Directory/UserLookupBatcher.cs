using System.DirectoryServices.Protocols;

namespace SharedSecretWorker.Directory;

/// <summary>
/// Batches the CA's uid lookups of concurrent enrollments into one search: the first caller's
/// search goes out at once, and the callers that arrive while it runs share the next one (up to
/// <c>Directory:LookupBatchSize</c> uids). No timer, so a lone request waits for nothing. On 389 DS
/// a four-uid search costs the server about 0.12 ms per uid against 0.31 ms for a search of its
/// own (load harness; the directory's cost is mostly per request).
/// </summary>
internal sealed class UserLookupBatcher
{
    private readonly LdapConnectionPool _pool;
    private readonly EntryLookup _lookup;
    private readonly DirectoryOptions _options;
    private readonly Lock _lock = new();
    private readonly List<(string Uid, TaskCompletionSource<SearchResultEntry> Found)> _pending = [];
    private bool _running;
    private long _searches;

    public UserLookupBatcher(LdapConnectionPool pool, EntryLookup lookup, DirectoryOptions options)
    {
        _pool = pool;
        _lookup = lookup;
        _options = options;
    }

    /// <summary>Searches sent so far (each for one or more uids).</summary>
    public long Searches => Interlocked.Read(ref _searches);

    /// <summary>
    /// The entry the CA's search finds for <paramref name="uid"/>, with <paramref name="attribute"/>;
    /// <see cref="DirectoryException"/> for an unknown or ambiguous uid and for directory failures.
    /// </summary>
    public Task<SearchResultEntry> FindAsync(string uid, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<SearchResultEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_lock)
        {
            _pending.Add((uid, found));
            start = !_running;
            _running = true;
        }
        if (start) _ = Task.Run(RunAsync, CancellationToken.None);
        return found.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<(string Uid, TaskCompletionSource<SearchResultEntry> Found)> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }
                var take = Math.Min(_pending.Count, _options.LookupBatchSize);
                batch = _pending.GetRange(0, take);
                _pending.RemoveRange(0, take);
            }
            var uids = batch.Select(b => b.Uid).ToList();
            try
            {
                Interlocked.Increment(ref _searches);
                // Not cancellable: it serves several callers; each caller's own wait is.
                var answers = await _pool.RunAsync(connection => _lookup.FindUsers(connection, uids, LdapValues.ObjectClassAttribute), CancellationToken.None)
                    .ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (answers[i].Entry is { } entry) batch[i].Found.TrySetResult(entry);
                    else batch[i].Found.TrySetException(answers[i].Failure!);
                }
            }
            catch (Exception e)
            {
                var failure = e is DirectoryOperationException or LdapException
                    ? LdapFailures.Classify(e, $"Looking up uid{(uids.Count == 1 ? "" : "s")} {string.Join(", ", uids.Select(u => $"'{u}'"))}", _options.PeopleBase, DirectoryFailure.UnknownUid)
                    : e;
                foreach (var (_, found) in batch) found.TrySetException(failure);
            }
        }
    }
}
