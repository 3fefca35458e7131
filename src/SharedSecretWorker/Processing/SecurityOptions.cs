namespace SharedSecretWorker.Processing;

/// <summary>
/// Who may send requests (section <c>Security</c>). <c>Security:Producers:enrollment:0=idm</c>
/// allows the RabbitMQ user <c>idm</c> to send enrollments. A kind with no list is open to anyone
/// the broker lets publish. The check uses the AMQP <c>user_id</c> property, which RabbitMQ
/// validates against the connection's user, so it cannot be forged by a producer.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Security";

    /// <summary>Kind (<c>enrollment</c>, <c>revocation</c>, <c>clear</c>) to the RabbitMQ users allowed to send it.</summary>
    public Dictionary<string, string[]> Producers { get; set; } = new(StringComparer.Ordinal);
}
