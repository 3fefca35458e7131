using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Unit.Directory;

/// <summary>The bounds of the remembered uid → DN lookups: count, age, and "off".</summary>
public sealed class UserEntryCacheTests
{
    private const string Uid = "jdoe";
    private const string Dn = "uid=jdoe,ou=people,dc=example,dc=com";

    [Fact]
    public void A_remembered_lookup_is_found_until_it_is_forgotten()
    {
        using var cache = new UserEntryCache(new DirectoryOptions());
        Assert.False(cache.TryGet(Uid, out _));

        cache.Remember(Uid, Dn);
        Assert.True(cache.TryGet(Uid, out var dn));
        Assert.Equal(Dn, dn);

        cache.Forget(Uid);
        Assert.False(cache.TryGet(Uid, out _));
    }

    [Fact]
    public void A_lookup_older_than_the_lifetime_is_not_used()
    {
        var time = new ManualTime();
        var lifetime = TimeSpan.FromMinutes(5);
        using var cache = new UserEntryCache(new DirectoryOptions { EntryCacheLifetime = lifetime }, time);
        cache.Remember(Uid, Dn);

        time.Advance(lifetime - TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet(Uid, out _));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cache.TryGet(Uid, out _));
    }

    [Fact]
    public void Size_zero_remembers_nothing()
    {
        using var cache = new UserEntryCache(new DirectoryOptions { EntryCacheSize = 0 });
        cache.Remember(Uid, Dn);
        Assert.False(cache.TryGet(Uid, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void The_cache_never_holds_more_than_its_size()
    {
        const int size = 100;
        using var cache = new UserEntryCache(new DirectoryOptions { EntryCacheSize = size });
        for (var i = 0; i < size * 10; i++)
        {
            cache.Remember($"user{i}", $"uid=user{i},ou=people,dc=example,dc=com");
            Assert.True(cache.Count <= size, $"{cache.Count} lookups held after {i + 1} were remembered; the bound is {size}.");
        }
    }
}
