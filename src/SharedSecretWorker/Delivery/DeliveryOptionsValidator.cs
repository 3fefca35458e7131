using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Delivery;

/// <summary>
/// Start-up check of <see cref="DeliveryOptions"/> (ValidateOnStart): channel names are usable
/// routing keys and each configured certificate file loads and is fit for sealing.
/// </summary>
internal sealed class DeliveryOptionsValidator(TimeProvider clock) : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new List<string>();
        if (options.Channels.Count == 0)
        {
            failures.Add($"{DeliveryOptions.SectionName}:Channels is empty: configure at least one hand-off channel, e.g. {DeliveryOptions.CertificateFileKey("email")}.");
        }
        var now = clock.GetUtcNow();
        foreach (var (channel, settings) in options.Channels)
        {
            var nameProblem = ChannelName.Validate(channel);
            if (nameProblem is not null)
            {
                failures.Add(nameProblem);
                continue;
            }
            // An entry without a file is a channel switched off: requests for it are refused as
            // unknown-channel (docs/messages.md: "A channel with no recipient certificate configured is refused").
            if (string.IsNullOrWhiteSpace(settings?.CertificateFile)) continue;
            using var certificate = RecipientCertificate.TryLoad(channel, settings.CertificateFile, now, out var error);
            if (certificate is null) failures.Add(error);
        }
        if (failures.Count == 0 && !options.Channels.Values.Any(c => !string.IsNullOrWhiteSpace(c?.CertificateFile)))
        {
            failures.Add($"{DeliveryOptions.SectionName}:Channels has no channel with a CertificateFile: no passphrase could ever be delivered.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
