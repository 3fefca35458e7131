using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Benchmarks.Lanes;

/// <summary>
/// The people a large batch needs: uid=laneNNNNN under the stack's people base, added with the
/// admin bind where missing (the stack's sample data stops at user2000). Kept between runs.
/// </summary>
internal static class LanePeople
{
    public const string Prefix = "lane";
    private const int AddStreams = 8;

    public static string Uid(int i) => Prefix + i.ToString("D5", CultureInfo.InvariantCulture);

    public static async Task<int> EnsureAsync(StackEnvironment stack, int count, CancellationToken cancellationToken)
    {
        var peopleBase = stack.Get("STACK_PEOPLE_BASE");
        using var reader = Connect(stack);
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var request = new SearchRequest(peopleBase, $"(uid={Prefix}*)", SearchScope.OneLevel, "uid");
        var paging = new PageResultRequestControl(1000);
        request.Controls.Add(paging);
        while (true)
        {
            var response = (SearchResponse)reader.SendRequest(request);
            foreach (SearchResultEntry entry in response.Entries)
                if (entry.Attributes["uid"]?.GetValues(typeof(string)) is { Length: > 0 } values) existing.Add((string)values[0]);
            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            if (cookie is null || cookie.Length == 0) break;
            paging.Cookie = cookie;
        }
        var missing = Enumerable.Range(1, count).Select(Uid).Where(u => !existing.Contains(u)).ToList();
        if (missing.Count == 0) return 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, AddStreams).Select(_ => Task.Run(() =>
        {
            using var connection = Connect(stack);
            int i;
            while ((i = Interlocked.Increment(ref next)) < missing.Count && !cancellationToken.IsCancellationRequested)
            {
                var uid = missing[i];
                connection.SendRequest(new AddRequest($"uid={uid},{peopleBase}",
                    new DirectoryAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
                    new DirectoryAttribute("uid", uid), new DirectoryAttribute("cn", uid), new DirectoryAttribute("sn", "Lane")));
            }
        }, cancellationToken)));
        return missing.Count;
    }

    /// <summary>A connection bound as the directory's administrator (adds and deletes people).</summary>
    public static LdapConnection Connect(StackEnvironment stack)
    {
        var uri = new Uri(stack.Get("STACK_LDAP_URL"));
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port)) { AuthType = AuthType.Basic };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.Bind(new NetworkCredential(stack.Get("STACK_LDAP_ADMIN_DN"), stack.ReadFile("STACK_LDAP_ADMIN_PASSWORD_FILE")));
        return connection;
    }
}
