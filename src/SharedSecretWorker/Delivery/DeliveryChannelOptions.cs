namespace SharedSecretWorker.Delivery;

/// <summary>One hand-off channel under <c>Delivery:Channels:&lt;name&gt;</c>.</summary>
public sealed class DeliveryChannelOptions
{
    /// <summary>
    /// PEM (or DER) X.509 certificate of the channel's hand-off service; passphrases are sealed to
    /// its RSA public key. Relative paths are resolved against the working directory.
    /// </summary>
    public string CertificateFile { get; set; } = "";
}
