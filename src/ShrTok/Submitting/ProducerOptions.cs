namespace ShrTok.Submitting;

/// <summary>
/// Who <c>shrtok submit</c> and <c>shrtok batch</c> publish as (section <c>Producer</c>). Empty
/// <see cref="Uri"/> means the worker's own <c>RabbitMq</c> section, so one environment serves both;
/// set it where requests must come from a listed producer (<c>Security:Producers</c>).
/// </summary>
internal sealed class ProducerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Producer";

    /// <summary><c>amqp://user@host:port/vhost</c>; empty: <c>RabbitMq:Uri</c>.</summary>
    public string? Uri { get; set; }

    /// <summary>Further nodes of the cluster (<c>host:port</c>); empty: <c>RabbitMq:Endpoints</c>.</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>File holding that user's password.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Password from the environment (<c>Producer__Password</c>).</summary>
    public string? Password { get; set; }
}
