using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Benchmarks.Load;

/// <summary>
/// Where the broker cluster put a run's request queues (each quorum queue's leader) and the workers'
/// connections, from the management API: a worker on another node than a queue's leader costs the
/// broker an extra hop per message, which shows in its CPU per job. Read once, after the measured part.
/// </summary>
internal static class BrokerPlacement
{
    public static async Task PrintAsync(StackEnvironment stack, string prefix, IReadOnlyList<string> workerNames, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(stack.Get("STACK_RABBITMQ_MANAGEMENT_URL").TrimEnd('/') + "/api/"), Timeout = TimeSpan.FromSeconds(10) };
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{stack.Get("STACK_RABBITMQ_ADMIN_USER")}:{stack.Get("STACK_RABBITMQ_ADMIN_PASSWORD")}"));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);

            var vhost = Uri.EscapeDataString(stack.Get("STACK_RABBITMQ_VHOST"));
            using var queues = JsonDocument.Parse(await http.GetStringAsync($"queues/{vhost}?columns=name,node,leader", cancellationToken));
            var leaders = queues.RootElement.EnumerateArray()
                .Select(q => (Name: q.GetProperty("name").GetString() ?? "", Leader: Text(q, "leader") ?? Text(q, "node") ?? "?"))
                .Where(q => q.Name.StartsWith(prefix + ".requests.", StringComparison.Ordinal))
                .OrderBy(q => q.Name, StringComparer.Ordinal)
                .Select(q => $"{q.Name[(prefix.Length + ".requests.".Length)..]} {Short(q.Leader)}");
            Console.WriteLine("load: request queues' leaders: " + string.Join(", ", leaders));

            using var connections = JsonDocument.Parse(await http.GetStringAsync("connections", cancellationToken));
            var nodes = new List<string>();
            foreach (var name in workerNames)
            {
                var node = connections.RootElement.EnumerateArray()
                    .Where(c => c.TryGetProperty("client_properties", out var p) && p.TryGetProperty("connection_name", out var n) && n.GetString() == name)
                    .Select(c => Text(c, "node"))
                    .FirstOrDefault();
                nodes.Add($"{name[(name.LastIndexOf('.') + 1)..]} on {(node is null ? "?" : Short(node))}");
            }
            // Anything else on the broker (another test run, say) shows as more connections than this run's.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"load: workers' connections: {string.Join(", ", nodes)}; {connections.RootElement.GetArrayLength()} connections on the broker in all (this run: {workerNames.Count} + its observer)"));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException)
        {
            Console.WriteLine($"load: where the broker put the queues is unknown (management API: {ex.Message})");
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>rabbit@localhost → rabbit; shrtok-rmq2@localhost → shrtok-rmq2.</summary>
    private static string Short(string node) => node.Split('@')[0];
}
