using Microsoft.Extensions.Caching.Memory;

namespace SharedSecretWorker.Directory;

/// <summary>
/// Remembers where the CA's <c>(uid=…)</c> search found each user, so that enrolling a uid again
/// (re-issues, retries, a batch touching a user twice) is one modify instead of a search and a
/// modify. Bounded in count (<c>Directory:EntryCacheSize</c>) and age (<c>Directory:EntryCacheLifetime</c>).
/// Only a successful search followed by a successful modify is remembered; a write to a remembered
/// DN that fails because the entry is gone or changed forgets it and searches again.
/// </summary>
internal sealed class UserEntryCache : IDisposable
{
    private const int EntrySize = 1;

    private readonly MemoryCache? _cache;
    private readonly MemoryCacheEntryOptions _entryOptions;

    public UserEntryCache(DirectoryOptions options, TimeProvider? time = null)
    {
        _entryOptions = new MemoryCacheEntryOptions { Size = EntrySize, AbsoluteExpirationRelativeToNow = options.EntryCacheLifetime };
        if (options.EntryCacheSize > 0)
            _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.EntryCacheSize, Clock = time is null ? null : new TimeProviderClock(time) });
    }

    /// <summary>The DN found for <paramref name="uid"/> within the lifetime, if any.</summary>
    public bool TryGet(string uid, out string dn)
    {
        if (_cache is not null && _cache.TryGetValue(uid, out string? found) && found is not null)
        {
            dn = found;
            return true;
        }
        dn = "";
        return false;
    }

    /// <summary>Remembers that <paramref name="uid"/> is the entry <paramref name="dn"/>, which now has extensibleObject.</summary>
    public void Remember(string uid, string dn) => _cache?.Set(uid, dn, _entryOptions);

    public void Forget(string uid) => _cache?.Remove(uid);

    /// <summary>Lookups held now (tests: the bound holds).</summary>
    internal int Count => _cache?.Count ?? 0;

    public void Dispose() => _cache?.Dispose();

#pragma warning disable CS0618 // ISystemClock is how MemoryCacheOptions takes a clock (it has no TimeProvider overload).
    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
