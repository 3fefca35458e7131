using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>The RabbitMQ management API of the stack, as an operator would use it.</summary>
public sealed class BrokerManagement : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _vhost;

    public BrokerManagement()
    {
        var stack = StackEnvironment.Load();
        _vhost = stack.Get("STACK_RABBITMQ_VHOST");
        _http = new HttpClient { BaseAddress = new Uri(stack.Get("STACK_RABBITMQ_MANAGEMENT_URL").TrimEnd('/') + "/api/") };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{stack.Get("STACK_RABBITMQ_ADMIN_USER")}:{stack.Get("STACK_RABBITMQ_ADMIN_PASSWORD")}"));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
    }

    /// <summary>The management API's view of a queue of the stack's vhost (type, members, arguments, policy, ...).</summary>
    public async Task<JsonElement> QueueAsync(string queue)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"queues/{Uri.EscapeDataString(_vhost)}/{Uri.EscapeDataString(queue)}"));
        return document.RootElement.Clone();
    }

    /// <summary>The bindings of a queue: (source exchange, routing key) pairs, the default exchange's included.</summary>
    public async Task<IReadOnlyList<(string Source, string RoutingKey)>> BindingsOfQueueAsync(string queue)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"queues/{Uri.EscapeDataString(_vhost)}/{Uri.EscapeDataString(queue)}/bindings"));
        return document.RootElement.EnumerateArray()
            .Select(b => (b.GetProperty("source").GetString()!, b.GetProperty("routing_key").GetString()!))
            .ToList();
    }

    /// <summary>Names of the open connections whose client-provided name is <paramref name="connectionName"/>.</summary>
    public async Task<IReadOnlyList<string>> ConnectionsNamedAsync(string connectionName)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("connections"));
        return document.RootElement.EnumerateArray()
            .Where(c => c.TryGetProperty("client_properties", out var p) && p.TryGetProperty("connection_name", out var n) && n.GetString() == connectionName)
            .Select(c => c.GetProperty("name").GetString()!)
            .ToList();
    }

    /// <summary>
    /// Waits until the management API lists a connection of that name: its connection list is
    /// refreshed by the statistics collector (every 5 s by default), not at once.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitForConnectionsNamedAsync(string connectionName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = await ConnectionsNamedAsync(connectionName);
            if (found.Count > 0) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the management API lists no connection named '{connectionName}'");
            await Task.Delay(500);
        }
    }

    /// <summary>Closes a connection from the server side (DELETE /api/connections/NAME), as an operator can.</summary>
    public async Task CloseConnectionAsync(string name)
    {
        using var response = await _http.DeleteAsync("connections/" + Uri.EscapeDataString(name));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The client-provided connection name of a single-active-consumer queue's active consumer, or null
    /// when none is active (GET /api/queues/VHOST/NAME: each consumer's <c>activity_status</c>, then the
    /// connection's <c>client_properties</c>). Refreshed by the statistics collector, so a change shows
    /// after a few seconds.
    /// </summary>
    public async Task<string?> ActiveConsumerConnectionAsync(string queue)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"queues/{Uri.EscapeDataString(_vhost)}/{Uri.EscapeDataString(queue)}"));
        if (!document.RootElement.TryGetProperty("consumer_details", out var consumers)) return null;
        foreach (var consumer in consumers.EnumerateArray())
        {
            var active = consumer.TryGetProperty("activity_status", out var status) ? status.GetString() == "single_active"
                : consumer.TryGetProperty("active", out var flag) && flag.ValueKind == JsonValueKind.True;
            if (!active) continue;
            // A channel that closed meanwhile has its details as an empty array.
            if (!consumer.TryGetProperty("channel_details", out var channel) || channel.ValueKind != JsonValueKind.Object
                || !channel.TryGetProperty("connection_name", out var name)) return null;
            using var connection = await _http.GetAsync("connections/" + Uri.EscapeDataString(name.GetString()!));
            if (!connection.IsSuccessStatusCode) return null; // closed meanwhile
            using var details = JsonDocument.Parse(await connection.Content.ReadAsStringAsync());
            return details.RootElement.TryGetProperty("client_properties", out var client) && client.TryGetProperty("connection_name", out var clientName)
                ? clientName.GetString()
                : null;
        }
        return null;
    }

    public void Dispose() => _http.Dispose();
}
