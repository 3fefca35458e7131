namespace SharedSecretWorker.Processing;

/// <summary>
/// Who may send requests (section <c>Security</c>). <c>Security:Producers:enrollment:0=idm</c>
/// allows the RabbitMQ user <c>idm</c> to send enrollments. The check uses the AMQP <c>user_id</c>
/// property, which RabbitMQ validates against the connection's user, so it cannot be forged by a
/// producer. Secure by default: the worker refuses to start unless every kind has a list, or
/// <see cref="AllowAnyProducer"/> is set on purpose (<see cref="SecurityOptionsValidator"/>).
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Security";

    /// <summary>Kind (<c>enrollment</c>, <c>revocation</c>, <c>clear</c>) to the RabbitMQ users allowed to send it.</summary>
    public Dictionary<string, string[]> Producers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// True to let a kind without a list be sent by anyone the broker lets publish on the requests
    /// exchange. Off by default: then every kind needs a list.
    /// </summary>
    public bool AllowAnyProducer { get; set; }
}
