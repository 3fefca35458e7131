using System.Diagnostics;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Infrastructure;

/// <summary>Stops and starts the local stack's services (deploy/local/stack stop|start SERVICE).</summary>
public static class Stack
{
    public static Task StopAsync(string service) => RunAsync("stop", service);

    public static Task StartAsync(string service) => RunAsync("start", service);

    private static async Task RunAsync(string verb, string service)
    {
        var script = Path.Combine(StackEnvironment.Load().RepositoryRoot, "deploy", "local", "stack");
        using var process = Process.Start(new ProcessStartInfo(script, [verb, service])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"stack {verb} {service} failed ({process.ExitCode}): {await output}{await error}");
    }
}
