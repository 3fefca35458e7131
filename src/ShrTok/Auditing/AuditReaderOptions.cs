namespace ShrTok.Auditing;

/// <summary>
/// Who <c>shrtok audit</c> reads the stream as (section <c>AuditReader</c>): an operator's account with read
/// permission on the stream. Empty <see cref="Uri"/> means the worker's own <c>RabbitMq</c> section. The
/// records it trusts are those whose user_id is <see cref="WorkerUser"/>.
/// </summary>
internal sealed class AuditReaderOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "AuditReader";

    /// <summary><c>amqp://user@host:port/vhost</c>; empty: <c>RabbitMq:Uri</c>.</summary>
    public string? Uri { get; set; }

    /// <summary>Further nodes of the cluster (<c>host:port</c>); empty: <c>RabbitMq:Endpoints</c>.</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>File holding that user's password.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Password from the environment (<c>AuditReader__Password</c>).</summary>
    public string? Password { get; set; }

    /// <summary>The workers' RabbitMQ user, whose records are trusted; empty: the user of <c>RabbitMq:Uri</c>.</summary>
    public string? WorkerUser { get; set; }
}
