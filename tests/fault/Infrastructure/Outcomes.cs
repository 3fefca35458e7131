using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Infrastructure;

/// <summary>Waiting for, and judging, the results a fault test's requests end with.</summary>
public static class Outcomes
{
    /// <summary>How long a fault test waits for a batch to drain after its fault.</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromMinutes(4);

    /// <summary>Waits until the observer has seen <paramref name="count"/> results (to time a fault mid-batch).</summary>
    public static async Task WaitForResultsAsync(WorkerUnderTest observer, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (observer.Results.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {observer.Results.Count} results of {count} within {timeout}");
            await Task.Delay(20);
        }
    }

    /// <summary>Every request has a final result and all of them are stored.</summary>
    public static async Task AllStoredAsync(WorkerUnderTest observer, IReadOnlyList<string> ids)
    {
        var results = await Task.WhenAll(ids.Select(id => observer.ResultAsync(id, Drain)));
        var failed = results.Where(r => r.Status != ResultStatus.Stored).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed.Take(10).Select(r => $"{r.RequestId}: {r.Status} {r.Error?.Code} {r.Error?.Message}")));
    }
}
