using System.Globalization;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Fault.Infrastructure;

/// <summary>
/// Stops and starts the local stack's services (deploy/local/stack stop|start SERVICE), single broker
/// nodes of a cluster (broker-node stop|start N) and asks which node leads a quorum queue
/// (broker-leader QUEUE). Node numbers run from 1 to stack.env's <c>STACK_RABBITMQ_NODES</c>.
/// </summary>
public static class Stack
{
    public static Task StopAsync(string service) => RunAsync("stop", service);

    public static Task StartAsync(string service) => RunAsync("start", service);

    /// <summary>The number of broker nodes the stack runs (1, or 3 under tests/run).</summary>
    public static int BrokerNodes =>
        int.Parse(StackEnvironment.Load().Find("STACK_RABBITMQ_NODES") ?? "1", CultureInfo.InvariantCulture);

    /// <summary>Stops broker node <paramref name="node"/> alone; the other nodes keep serving.</summary>
    public static Task StopBrokerNodeAsync(int node) => RunAsync("broker-node", "stop", Node(node));

    /// <summary>Starts broker node <paramref name="node"/> again (it rejoins the cluster with its data).</summary>
    public static Task StartBrokerNodeAsync(int node) => RunAsync("broker-node", "start", Node(node));

    /// <summary>Starts every broker node that is not running (after a test that stopped one, whatever happened).</summary>
    public static async Task StartBrokerNodesAsync()
    {
        for (var node = 2; node <= BrokerNodes; node++) await RunAsync("broker-node", "start", Node(node));
        await RunAsync("broker-node", "start", Node(1));
    }

    /// <summary>The number of the broker node that leads quorum queue <paramref name="queue"/> (vhost of the stack).</summary>
    public static async Task<int> BrokerLeaderAsync(string queue)
    {
        var output = await RunAsync("broker-leader", queue);
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var script = Path.Combine(StackEnvironment.Load().RepositoryRoot, "deploy", "local", "stack");
        var run = await ProcessRun.RunAsync(script, arguments, timeout: Timeout.InfiniteTimeSpan);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"stack {string.Join(' ', arguments)} failed ({run.ExitCode}): {run.OutText}{run.Error}");
        return run.OutText;
    }
}
