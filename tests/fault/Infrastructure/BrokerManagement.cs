using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Fault.Infrastructure;

/// <summary>The RabbitMQ management API of the stack, as an operator would use it.</summary>
public sealed class BrokerManagement : IDisposable
{
    private readonly HttpClient _http;

    public BrokerManagement()
    {
        var stack = StackEnvironment.Load();
        _http = new HttpClient { BaseAddress = new Uri(stack.Get("STACK_RABBITMQ_MANAGEMENT_URL").TrimEnd('/') + "/api/") };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{stack.Get("STACK_RABBITMQ_ADMIN_USER")}:{stack.Get("STACK_RABBITMQ_ADMIN_PASSWORD")}"));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
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

    public void Dispose() => _http.Dispose();
}
