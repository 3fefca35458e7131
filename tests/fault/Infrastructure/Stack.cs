using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Fault.Infrastructure;

/// <summary>Stops and starts the local stack's services (deploy/local/stack stop|start SERVICE).</summary>
public static class Stack
{
    public static Task StopAsync(string service) => RunAsync("stop", service);

    public static Task StartAsync(string service) => RunAsync("start", service);

    private static async Task RunAsync(string verb, string service)
    {
        var script = Path.Combine(StackEnvironment.Load().RepositoryRoot, "deploy", "local", "stack");
        var run = await ProcessRun.RunAsync(script, [verb, service], timeout: Timeout.InfiniteTimeSpan);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"stack {verb} {service} failed ({run.ExitCode}): {run.OutText}{run.Error}");
    }
}
