using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

/// <summary>The sweep's search by exact expiry, used when the range search exceeds the directory's limits.</summary>
public sealed class ExpiryFilterTests
{
    [Fact]
    public void Each_second_of_the_window_is_one_indexed_equality_up_to_now()
    {
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, 750, TimeSpan.Zero);

        var filter = LdapTokenLifecycleDirectory.ExactExpiryFilter(now, TimeSpan.FromSeconds(3));

        Assert.Equal("(|(shrTokNotAfter=20261202120000Z)(shrTokNotAfter=20261202115959Z)(shrTokNotAfter=20261202115958Z))", filter);
        Assert.Equal(600, LdapTokenLifecycleDirectory.ExactExpiryFilter(now, LdapTokenLifecycleDirectory.LimitedExpiryWindow).Split("(shrTokNotAfter=").Length - 1);
    }
}
