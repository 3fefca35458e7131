using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using SharedSecretWorker.Broker;

namespace SharedSecretWorker.Tests.Unit.Broker;

/// <summary>RabbitMq:Endpoints: further nodes as host:port, with the TLS settings of RabbitMq:Uri.</summary>
public sealed class BrokerEndpointsTests
{
    [Theory]
    [InlineData("rabbit-2.example.com:5671", "rabbit-2.example.com", 5671)]
    [InlineData("127.0.0.1:5673", "127.0.0.1", 5673)]
    [InlineData("[::1]:5672", "::1", 5672)]
    public void Host_and_port_are_read(string entry, string host, int port)
    {
        Assert.True(BrokerEndpoints.TryParse(entry, out var h, out var p));
        Assert.Equal((host, port), (h, p));
    }

    [Theory]
    [InlineData("")]
    [InlineData("rabbit-2")]
    [InlineData("rabbit-2:")]
    [InlineData(":5672")]
    [InlineData("rabbit-2:0")]
    [InlineData("rabbit-2:70000")]
    [InlineData("amqp://rabbit-2:5672")]
    public void Anything_else_is_refused(string entry) => Assert.False(BrokerEndpoints.TryParse(entry, out _, out _));

    [Fact]
    public void Every_node_is_tried_with_the_uris_tls_and_its_own_host_name()
    {
        var factory = new ConnectionFactory { Uri = new Uri("amqps://worker@rabbit-1.example.com:5671/shrtok") };
        var endpoints = BrokerEndpoints.Of(factory, ["rabbit-2.example.com:5671", "rabbit-3.example.com:5671"]);
        Assert.Equal(["rabbit-1.example.com", "rabbit-2.example.com", "rabbit-3.example.com"], endpoints.Select(e => e.HostName));
        Assert.All(endpoints, e => Assert.True(e.Ssl.Enabled));
        Assert.Equal(["rabbit-1.example.com", "rabbit-2.example.com", "rabbit-3.example.com"], endpoints.Select(e => e.Ssl.ServerName));
    }

    [Fact]
    public void A_bad_endpoint_fails_validation_naming_its_key()
    {
        var result = new RabbitMqOptionsValidator().Validate(null, new RabbitMqOptions
        {
            Uri = "amqp://worker@127.0.0.1:5672/shrtok",
            Endpoints = ["127.0.0.1:5673", "rabbit-3"],
        });
        Assert.True(result.Failed);
        Assert.Contains("RabbitMq:Endpoints:1", result.FailureMessage, StringComparison.Ordinal);
    }
}
