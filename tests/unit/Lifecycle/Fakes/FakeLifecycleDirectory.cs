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
    private readonly ConcurrentDictionary<string, List<string>> _revocationInfo = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _recordDns = new(StringComparer.OrdinalIgnoreCase);
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

    public void PutRevocationTokens(string recordDn, params string[] values)
    {
        _recordDns[Key(recordDn)] = recordDn;
        _revocationTokens[Key(recordDn)] = [.. values];
    }

    /// <summary>The record's <c>revShrTokInfo:</c> values.</summary>
    public void PutRevocationInfo(string recordDn, params string[] values)
    {
        _recordDns[Key(recordDn)] = recordDn;
        _revocationInfo[Key(recordDn)] = [.. values];
    }

    public IReadOnlyList<string> RevocationTokens(string recordDn) => _revocationTokens.TryGetValue(Key(recordDn), out var values) ? values : [];

    public IReadOnlyList<string> RevocationInfo(string recordDn) => _revocationInfo.TryGetValue(Key(recordDn), out var values) ? values : [];

    public int Searches;

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

    /// <summary>As the directory: every value named must be there, or nothing changes.</summary>
    public Task<bool> RemoveEnrollmentTokenAsync(TokenHolder holder, CancellationToken cancellationToken)
    {
        MaybeFail();
        Interlocked.Increment(ref Deletes);
        BeforeDelete?.Invoke(holder.Dn);
        var key = Key(holder.Dn);
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry) || entry.Token != holder.Token
                || (holder.InfoValue is not null && entry.InfoValue != holder.InfoValue)
                || (holder.NotAfterValue is not null && entry.NotAfterValue != holder.NotAfterValue))
                return Task.FromResult(false);
            _entries[key] = entry with
            {
                Token = null,
                ModifiedAt = DateTimeOffset.UtcNow,
                InfoValue = holder.InfoValue is null ? entry.InfoValue : null,
                NotAfterValue = holder.NotAfterValue is null ? entry.NotAfterValue : null,
            };
        }
        return Task.FromResult(true);
    }

    public Task<bool> RemoveRevocationTokenAsync(string recordDn, string revocationTokenValue, IReadOnlyList<string> infoValues, CancellationToken cancellationToken)
    {
        MaybeFail();
        Interlocked.Increment(ref Deletes);
        BeforeDelete?.Invoke(recordDn);
        lock (_revocationTokens)
        {
            if (!_revocationTokens.TryGetValue(Key(recordDn), out var values) || !values.Contains(revocationTokenValue)) return Task.FromResult(false);
            var info = RevocationInfo(recordDn);
            if (infoValues.Any(v => !info.Contains(v))) return Task.FromResult(false);
            values.Remove(revocationTokenValue);
            if (_revocationInfo.TryGetValue(Key(recordDn), out var held)) held.RemoveAll(infoValues.Contains);
        }
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<TokenHolder>> FindExpiredEnrollmentTokensAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        MaybeFail();
        Interlocked.Increment(ref Searches);
        IReadOnlyList<TokenHolder> found = _entries.Values
            .Where(e => e.Token is not null && e.NotAfterValue is not null
                && DateTimeOffset.ParseExact(e.NotAfterValue, "yyyyMMddHHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal) <= now)
            .ToList();
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<CertificateRecord>> FindRevocationTokenInfoAsync(string certificateBase, CancellationToken cancellationToken)
    {
        MaybeFail();
        Interlocked.Increment(ref Searches);
        IReadOnlyList<CertificateRecord> found = _revocationInfo.Where(r => r.Value.Count > 0)
            .Select(r => new CertificateRecord(_recordDns[r.Key], _recordDns[r.Key].Split(',')[0].Split('=')[1], null, null, null, null, null,
                [.. RevocationTokens(_recordDns[r.Key])]) { RevocationTokenInfoValues = [.. r.Value] })
            .ToList();
        return Task.FromResult(found);
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
