using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Tls;

/// <summary>
/// Worker configuration that reaches the broker over AMQPS and the directory over LDAPS, each
/// pinned to the CA the stack made for it (docs/messages.md: local stack; stack.env STACK_RABBITMQ_AMQPS_URI,
/// STACK_RABBITMQ_CA_FILE, STACK_LDAPS_URL, STACK_LDAP_CA_FILE).
/// </summary>
internal static class TlsSettings
{
    /// <summary>Overrides for <see cref="WorkerUnderTest.StartAsync"/>: amqps:// and ldaps:// with the stack's CA files.</summary>
    public static Dictionary<string, string?> Overrides(string? brokerCaFile = null, string? directoryCaFile = null)
    {
        var stack = StackEnvironment.Load();
        return new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = AmqpsUri(stack, stack.Get("STACK_RABBITMQ_WORKER_USER")),
            ["RabbitMq:CaFile"] = brokerCaFile ?? stack.Get("STACK_RABBITMQ_CA_FILE"),
            ["Directory:Url"] = stack.Get("STACK_LDAPS_URL"),
            ["Directory:StartTls"] = "false",
            ["Directory:CaFile"] = directoryCaFile ?? stack.Get("STACK_LDAP_CA_FILE"),
        };
    }

    /// <summary>The stack's AMQPS URI (host localhost, which the broker's certificate names) with a user in it.</summary>
    public static string AmqpsUri(StackEnvironment stack, string user)
    {
        var uri = new UriBuilder(stack.Get("STACK_RABBITMQ_AMQPS_URI")) { UserName = user };
        Assert.Equal("amqps", uri.Scheme);
        return uri.Uri.ToString().TrimEnd('/');
    }
}
