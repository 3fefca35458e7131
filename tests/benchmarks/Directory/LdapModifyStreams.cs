using System.Diagnostics;
using System.Globalization;
using System.Text;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Benchmarks.Directory;

/// <summary>
/// The directory's own write rate, with no worker in the way: LDIF records that replace
/// <c>shrTok</c>, applied by parallel <c>ldapmodify</c> processes (one per stream, each given its
/// share of the records), bound as the worker's least-privileged account.
/// </summary>
internal static class LdapModifyStreams
{
    /// <summary>One "replace: shrTok" record for the entry <paramref name="dn"/>.</summary>
    public static string Record(string dn, string token) =>
        new StringBuilder()
            .Append("dn: ").Append(dn).Append('\n')
            .Append("changetype: modify\nreplace: shrTok\n")
            .Append("shrTok: ").Append(token).Append("\n-\n\n")
            .ToString();

    /// <summary>The stack's people entry of user number <paramref name="number"/> (user0001...).</summary>
    public static string PersonDn(StackEnvironment stack, int number) =>
        string.Create(CultureInfo.InvariantCulture, $"uid=user{number:0000},{stack.Get("STACK_PEOPLE_BASE")}");

    /// <summary>Applies <paramref name="records"/> over <paramref name="streams"/> ldapmodify processes at once; the wall time.</summary>
    public static async Task<TimeSpan> RunAsync(StackEnvironment stack, string work, IReadOnlyList<string> records, int streams, CancellationToken cancellationToken)
    {
        var chunks = new List<string>();
        for (var s = 0; s < streams; s++)
        {
            var path = Path.Combine(work, $"chunk-{streams}-{s}.ldif");
            await File.WriteAllTextAsync(path, string.Concat(records.Where((_, i) => i % streams == s)), cancellationToken);
            chunks.Add(path);
        }
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(chunks.Select(async chunk => (await ProcessRun.RunAsync("ldapmodify", BindArguments(stack).Append("-f").Append(chunk), timeout: Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken)).EnsureSuccess()));
        return clock.Elapsed;
    }

    /// <summary>ldapmodify's connection and bind arguments (the password from its file, never on the command line).</summary>
    public static IEnumerable<string> BindArguments(StackEnvironment stack) =>
        ["-x", "-H", stack.Get("STACK_LDAP_URL"), "-D", stack.Get("STACK_LDAP_WORKER_DN"), "-y", stack.Get("STACK_LDAP_WORKER_PASSWORD_FILE")];
}
