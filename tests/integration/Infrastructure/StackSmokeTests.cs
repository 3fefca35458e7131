using System.DirectoryServices.Protocols;
using System.Net;
using RabbitMQ.Client;

namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>
/// The stack's three services answer from .NET with the libraries the worker uses: if one of these
/// fails, every other integration test would fail for the same reason, so this names it first.
/// </summary>
public sealed class StackSmokeTests
{
    private readonly StackEnvironment _stack = StackEnvironment.Load();

    [Fact]
    public void Directory_binds_with_System_DirectoryServices_Protocols_and_finds_the_Dogtag_tree()
    {
        var uri = new Uri(_stack.Get("STACK_LDAP_URL"));
        using var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port));
        connection.SessionOptions.ProtocolVersion = 3;
        connection.AuthType = AuthType.Basic;
        connection.Bind(new NetworkCredential(_stack.Get("STACK_LDAP_ADMIN_DN"), _stack.ReadFile("STACK_LDAP_ADMIN_PASSWORD_FILE")));

        foreach (var baseDn in new[] { _stack.Get("STACK_PEOPLE_BASE"), _stack.Get("STACK_CERT_REPOSITORY_BASE") })
        {
            var response = (SearchResponse)connection.SendRequest(new SearchRequest(baseDn, "(objectClass=*)", SearchScope.Base, "dn"));
            Assert.Single(response.Entries);
        }

        // The Dogtag schema is loaded: shrTok is a known attribute type.
        var schema = (SearchResponse)connection.SendRequest(new SearchRequest("cn=schema", "(objectClass=*)", SearchScope.Base, "attributeTypes"));
        var types = schema.Entries[0].Attributes["attributeTypes"].GetValues(typeof(string)).Cast<string>();
        Assert.Contains(types, t => t.Contains("NAME 'shrTok'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Broker_accepts_an_AMQP_connection_from_RabbitMQ_Client_7()
    {
        var factory = _stack.AdminConnectionFactory("shrtok-smoke-test");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclareAsync(exclusive: true);
        await channel.BasicPublishAsync("", queue.QueueName, "ping"u8.ToArray());
        var got = await WaitForMessageAsync(channel, queue.QueueName);
        Assert.Equal("ping", System.Text.Encoding.ASCII.GetString(got));
    }

    private static async Task<byte[]> WaitForMessageAsync(IChannel channel, string queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var result = await channel.BasicGetAsync(queue, autoAck: true);
            if (result is not null) return result.Body.ToArray();
            await Task.Delay(50);
        }
        throw new TimeoutException($"no message on {queue} within 10 s");
    }
}
