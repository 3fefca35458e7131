using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Text;
using SharedSecretWorker.Benchmarks.Directory;
using SharedSecretWorker.Benchmarks.Lanes;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Benchmarks.Load;

/// <summary>
/// The way an administrator does it today, without a JVM: per user, one process makes the token
/// (<c>shrtok token --cert … --generate</c>, standing in for CMCSharedToken), one <c>ldapsearch</c>
/// reads the entry's object classes, and one <c>ldapmodify</c> writes the token, adding
/// <c>objectClass: extensibleObject</c> in the same modify where the entry lacks it (<c>shrTok</c>
/// is in no standard object class; docs/cmc-shared-token.md). Users one after the other, as a
/// person at a terminal would.
/// </summary>
/// <remarks>
/// The people are its own: <c>manual0001…</c>, added fresh (as plain inetOrgPersons, without
/// extensibleObject, like a new directory entry) before the timed part and deleted after it, so
/// that every run takes the same path whatever earlier runs or other harnesses wrote.
/// </remarks>
internal static class ManualWay
{
    public const string Prefix = "manual";

    public static string Uid(int i) => Prefix + i.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>Wall time per user, for <paramref name="users"/> users (manual0001…).</summary>
    public static async Task<List<TimeSpan>> RunAsync(StackEnvironment stack, string shrtokDll, string work, int users, CancellationToken cancellationToken)
    {
        var peopleBase = stack.Get("STACK_PEOPLE_BASE");
        var dns = Enumerable.Range(1, users).Select(i => $"uid={Uid(i)},{peopleBase}").ToList();
        using var admin = LanePeople.Connect(stack);
        Delete(admin, dns);
        foreach (var (dn, i) in dns.Select((dn, i) => (dn, i + 1)))
        {
            admin.SendRequest(new AddRequest(dn,
                new DirectoryAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
                new DirectoryAttribute("uid", Uid(i)), new DirectoryAttribute("cn", Uid(i)), new DirectoryAttribute("sn", "Manual")));
        }
        try
        {
            var times = new List<TimeSpan>(users);
            var added = 0;
            for (var i = 1; i <= users; i++)
            {
                var dn = dns[i - 1];
                var clock = Stopwatch.StartNew();
                var tokenFile = Path.Combine(work, $"manual-{i}.token");
                // --generate shows the passphrase once on standard error: never repeated here, not even in an error.
                var code = (await ProcessRun.RunAsync("dotnet", [shrtokDll, "token", "--cert", stack.Get("STACK_ISSUANCE_PROTECTION_CERT"), "--generate", "-o", tokenFile], timeout: Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken)).ExitCode;
                if (code != 0) throw new InvalidOperationException($"shrtok token exited with {code} (its standard error is not shown: it may hold the passphrase).");
                var token = (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim();

                // Does the entry have extensibleObject? Without it, "replace: shrTok" alone is refused
                // (objectClassViolation): the documented procedure adds the class in the same modify.
                var search = (await ProcessRun.RunAsync("ldapsearch",
                    LdapModifyStreams.BindArguments(stack).Concat(["-LLL", "-b", dn, "-s", "base", "(objectClass=*)", "objectClass"]),
                    timeout: Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken)).EnsureSuccess();
                var extensible = search.OutText.Split('\n')
                    .Any(l => l.Trim().Equals("objectClass: extensibleObject", StringComparison.OrdinalIgnoreCase));
                var ldif = Path.Combine(work, $"manual-{i}.ldif");
                await File.WriteAllTextAsync(ldif, extensible ? LdapModifyStreams.Record(dn, token) : WithExtensibleObject(dn, token), cancellationToken);
                if (!extensible) added++;
                (await ProcessRun.RunAsync("ldapmodify", LdapModifyStreams.BindArguments(stack).Append("-f").Append(ldif), timeout: Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken)).EnsureSuccess();
                times.Add(clock.Elapsed);
                File.Delete(tokenFile);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"load: manual way: {users} users {Uid(1)}..{Uid(users)}, extensibleObject added to {added} of them"));
            return times;
        }
        finally
        {
            Delete(admin, dns);
        }
    }

    /// <summary>One modify: add the class, then replace the token (as the worker writes a first token).</summary>
    private static string WithExtensibleObject(string dn, string token) =>
        new StringBuilder()
            .Append("dn: ").Append(dn).Append('\n')
            .Append("changetype: modify\nadd: objectClass\nobjectClass: extensibleObject\n-\n")
            .Append("replace: shrTok\n")
            .Append("shrTok: ").Append(token).Append("\n-\n\n")
            .ToString();

    private static void Delete(LdapConnection admin, IEnumerable<string> dns)
    {
        foreach (var dn in dns)
        {
            try
            {
                admin.SendRequest(new DeleteRequest(dn));
            }
            catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.NoSuchObject)
            {
                // Not there: nothing left from an earlier run.
            }
        }
    }
}
