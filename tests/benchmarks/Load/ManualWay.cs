using System.Diagnostics;
using SharedSecretWorker.Benchmarks.Directory;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Benchmarks.Load;

/// <summary>
/// The way an administrator does it today, without a JVM: per user, one process makes the token
/// (<c>shrtok token --cert … --generate</c>, standing in for CMCSharedToken) and one
/// <c>ldapmodify</c> writes it. Users one after the other, as a person at a terminal would.
/// </summary>
internal static class ManualWay
{
    /// <summary>Wall time per user, for <paramref name="users"/> users (user0001…).</summary>
    public static async Task<List<TimeSpan>> RunAsync(StackEnvironment stack, string shrtokDll, string work, int users, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>(users);
        for (var i = 1; i <= users; i++)
        {
            var clock = Stopwatch.StartNew();
            var tokenFile = Path.Combine(work, $"manual-{i}.token");
            // --generate shows the passphrase once on standard error: never repeated here, not even in an error.
            var code = (await ProcessRun.RunAsync("dotnet", [shrtokDll, "token", "--cert", stack.Get("STACK_ISSUANCE_PROTECTION_CERT"), "--generate", "-o", tokenFile], timeout: Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken)).ExitCode;
            if (code != 0) throw new InvalidOperationException($"shrtok token exited with {code} (its standard error is not shown: it may hold the passphrase).");
            var ldif = Path.Combine(work, $"manual-{i}.ldif");
            var token = (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim();
            await File.WriteAllTextAsync(ldif, LdapModifyStreams.Record(LdapModifyStreams.PersonDn(stack, i), token), cancellationToken);
            (await ProcessRun.RunAsync("ldapmodify", LdapModifyStreams.BindArguments(stack).Append("-f").Append(ldif), timeout: Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken)).EnsureSuccess();
            times.Add(clock.Elapsed);
            File.Delete(tokenFile);
        }
        return times;
    }
}
