using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Infrastructure;

/// <summary>
/// A batch queued before any worker consumes: a worker faster than the one publisher would
/// otherwise finish each request as it arrives, and a fault "mid-batch" would find nothing queued.
/// </summary>
internal static class QueuedBatch
{
    /// <summary>Has a worker declare the topology and stop, then queues one enrollment per uid; returns the request ids.</summary>
    public static async Task<List<string>> QueueAsync(WorkerUnderTest observer, IReadOnlyDictionary<string, string?> configuration, IEnumerable<string> uids)
    {
        using (var declare = WorkerProcess.Start(configuration))
        {
            await declare.WaitUntilConsumingAsync();
            declare.Terminate();
            var exit = await declare.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, $"the declaring worker exited with {exit}; its log (tail):\n{declare.LogTail()}");
        }
        var ids = new List<string>();
        foreach (var uid in uids) ids.Add(await observer.EnrollAsync(uid, batchId: "fault"));
        return ids;
    }
}
