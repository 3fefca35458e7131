using Microsoft.Extensions.Options;
using SharedSecretWorker.Common;

namespace SharedSecretWorker.Audit;

/// <summary>
/// Start-up validation of <see cref="AuditOptions"/>; every error names its key. With the audit stream on, a
/// key file is required: results would otherwise reach the trail with no way to search them by address,
/// and an operator would only notice when someone asks (docs/audit.md, "Addresses").
/// </summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        const string key = $"{AuditOptions.SectionName}:{nameof(AuditOptions.AddressKeyFile)}";
        if (string.IsNullOrWhiteSpace(options.AddressKeyFile))
        {
            return options.StreamEnabled
                ? ValidateOptionsResult.Fail($"{key} is not set, and the audit stream '{options.StreamName}' ({AuditOptions.StreamSettingKey}) is on: " +
                    $"name a file holding at least {AuditOptions.MinimumKeyBytes} bytes of secret key (e.g. made with 'openssl rand -hex 32'), " +
                    $"with which results digest delivery addresses, or set {AuditOptions.StreamSettingKey} empty to have no audit trail.")
                : ValidateOptionsResult.Success;
        }
        byte[] bytes;
        try
        {
            bytes = SecretFile.ReadBytes(options.AddressKeyFile, key);
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
        var length = bytes.Length;
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        return length < AuditOptions.MinimumKeyBytes
            ? ValidateOptionsResult.Fail($"{key}: the key file holds {length} bytes; an HMAC-SHA256 key needs at least {AuditOptions.MinimumKeyBytes}.")
            : ValidateOptionsResult.Success;
    }
}
