using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

/// <summary>
/// The token lifecycle's directory in memory, with the directory's semantics where they matter:
/// a value delete succeeds only while the value is there (so one of several callers wins), entries
/// are found by DN ignoring case and the spaces Dogtag's subject names leave out, the checkpoint only
/// moves forward. Watches are handed out from <see cref="Watches"/>, in order.
/// </summary>
internal sealed class FakeLifecycleDirectory : ITokenLifecycleDirectory
{
    public const string PeopleBase = "ou=people,dc=example,dc=com";
    public const string CertificateBase = "ou=certificateRepository,ou=ca,dc=example,dc=com";
    public const string CheckpointEntry = "cn=shrtok-lifecycle,ou=services,dc=example,dc=com";

    private readonly ConcurrentDictionary<string, TokenHolder> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, List<string>> _revocationTokens = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<Exception> _failures = new();

    public static string UserDn(string uid) => $"uid={uid},{PeopleBase}";

    public static string RecordDn(string serial) => $"cn={serial},{CertificateBase}";

    public int Reads;
    public int Deletes;
    public DateTimeOffset? Checkpoint;
    public Exception? CheckpointFailure { get; set; }
    public int CheckpointWrites;

    /// <summary>Runs between a delete's arrival and its effect: "another writer" acts here.</summary>
    public Action<string>? BeforeDelete;

    public Queue<FakeWatch> Watches { get; } = new();

    public List<FakeWatch> Opened { get; } = [];

    public void Put(TokenHolder holder) => _entries[Key(holder.Dn)] = holder;

    public TokenHolder? Entry(string dn) => _entries.TryGetValue(Key(dn), out var holder) ? holder : null;

    public void PutRevocationTokens(string recordDn, params string[] values) => _revocationTokens[Key(recordDn)] = [.. values];

    public IReadOnlyList<string> RevocationTokens(string recordDn) => _revocationTokens.TryGetValue(Key(recordDn), out var values) ? values : [];

    /// <summary>The next directory call fails with <paramref name="failure"/>.</summary>
    public void FailNext(Exception failure) => _failures.Enqueue(failure);

    private void MaybeFail()
    {
        if (_failures.TryDequeue(out var failure)) throw failure;
    }

    private static string Key(string dn) => string.Join(",", dn.Split(',').Select(p => p.Trim().ToLowerInvariant()));

    public Task<ICertificateRecordWatch> WatchAsync(string certificateBase, CancellationToken cancellationToken)
    {
        MaybeFail();
        var watch = Watches.Count > 0 ? Watches.Dequeue() : new FakeWatch();
        Opened.Add(watch);
        return Task.FromResult<ICertificateRecordWatch>(watch);
    }

    public Task<TokenHolder?> ReadTokenHolderAsync(string dn, CancellationToken cancellationToken)
    {
        MaybeFail();
        Interlocked.Increment(ref Reads);
        return Task.FromResult(Entry(dn));
    }

    public Task<bool> RemoveEnrollmentTokenAsync(string dn, string token, CancellationToken cancellationToken)
    {
        MaybeFail();
        Interlocked.Increment(ref Deletes);
        BeforeDelete?.Invoke(dn);
        var key = Key(dn);
        if (!_entries.TryGetValue(key, out var holder) || holder.Token != token) return Task.FromResult(false);
        _entries[key] = holder with { Token = null, ModifiedAt = DateTimeOffset.UtcNow };
        return Task.FromResult(true);
    }

    public Task<bool> RemoveRevocationTokenAsync(string recordDn, string revocationTokenValue, CancellationToken cancellationToken)
    {
        MaybeFail();
        Interlocked.Increment(ref Deletes);
        BeforeDelete?.Invoke(recordDn);
        return Task.FromResult(_revocationTokens.TryGetValue(Key(recordDn), out var values) && values.Remove(revocationTokenValue));
    }

    public Task<DateTimeOffset?> ReadCheckpointAsync(string entryDn, CancellationToken cancellationToken)
    {
        if (CheckpointFailure is { } failure) throw failure;
        return Task.FromResult(Checkpoint);
    }

    public Task<bool> AdvanceCheckpointAsync(string entryDn, DateTimeOffset checkpoint, CancellationToken cancellationToken)
    {
        if (CheckpointFailure is { } failure) throw failure;
        if (Checkpoint is { } current && current >= checkpoint) return Task.FromResult(false);
        Checkpoint = checkpoint;
        CheckpointWrites++;
        return Task.FromResult(true);
    }
}

/// <summary>A watch whose catch-up returns <see cref="CatchUp"/> and whose changes a test sends; <see cref="Fail"/> ends it.</summary>
internal sealed class FakeWatch : ICertificateRecordWatch
{
    private readonly Channel<CertificateRecordChange> _changes = Channel.CreateUnbounded<CertificateRecordChange>();

    public List<CertificateRecord> CatchUp { get; } = [];

    public DateTimeOffset? CaughtUpSince { get; private set; }

    public int Probes;

    public bool Disposed { get; private set; }

    public void Send(CertificateRecordChange change) => _changes.Writer.TryWrite(change);

    public void Fail(Exception failure) => _changes.Writer.TryComplete(failure);

    public async IAsyncEnumerable<CertificateRecord> FindChangedSinceAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CaughtUpSince = since;
        foreach (var record in CatchUp)
        {
            await Task.Yield();
            yield return record;
        }
    }

    public async ValueTask<CertificateRecordChange> NextChangeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _changes.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException e) when (e.InnerException is { } failure)
        {
            throw failure;
        }
    }

    public bool TryNextChange(out CertificateRecordChange? change)
    {
        if (_changes.Reader.TryRead(out var next))
        {
            change = next;
            return true;
        }
        if (_changes.Reader.Completion.IsFaulted) throw _changes.Reader.Completion.Exception!.InnerException!;
        change = null;
        return false;
    }

    public Task ProbeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Probes);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
