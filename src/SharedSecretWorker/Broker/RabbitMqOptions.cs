using System.ComponentModel.DataAnnotations;

namespace SharedSecretWorker.Broker;

/// <summary>The broker connection (section <c>RabbitMq</c>; docs/operations.md, "Configuration").</summary>
public sealed class RabbitMqOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "RabbitMq";

    /// <summary>Default connection name shown in the management UI.</summary>
    public const string DefaultClientName = "shared-secret-worker";

    /// <summary>Default number of publishing channels (confirms are awaited per channel).</summary>
    public const int DefaultPublishChannels = 4;

    /// <summary>Default bound on the wait for one publisher confirm.</summary>
    public static readonly TimeSpan DefaultConfirmTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default pause between automatic recovery attempts.</summary>
    public static readonly TimeSpan DefaultRecoveryInterval = TimeSpan.FromSeconds(2);

    /// <summary><c>amqp://user@host:port/vhost</c> or <c>amqps://...</c>; a password in it works but belongs in <see cref="PasswordFile"/>.</summary>
    [Required]
    public string Uri { get; set; } = "";

    /// <summary>
    /// Further nodes of the same cluster, as <c>host:port</c>: the connection (and its automatic
    /// recovery) tries every node, <see cref="Uri"/>'s included, in random order, so a worker or
    /// <c>shrtok</c> fails over when a node goes down. User, vhost and TLS come from <see cref="Uri"/>.
    /// </summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>File holding the broker password (systemd credential); the environment variable <c>RabbitMq__Password</c> also works.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The password from the environment (never from appsettings.json).</summary>
    public string? Password { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate, for <c>amqps://</c>.</summary>
    public string? CaFile { get; set; }

    /// <summary>Connection name shown by <c>rabbitmqctl list_connections</c>.</summary>
    public string ClientName { get; set; } = DefaultClientName;

    /// <summary>Channels used round-robin for publishing with confirms.</summary>
    [Range(1, 64)]
    public int PublishChannels { get; set; } = DefaultPublishChannels;

    /// <summary>How long a publish waits for the broker's confirm before it counts as failed.</summary>
    public TimeSpan ConfirmTimeout { get; set; } = DefaultConfirmTimeout;

    /// <summary>Pause between automatic connection recovery attempts.</summary>
    public TimeSpan RecoveryInterval { get; set; } = DefaultRecoveryInterval;
}
