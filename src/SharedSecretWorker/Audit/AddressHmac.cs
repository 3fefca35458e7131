using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Common;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Audit;

/// <summary>
/// HMAC-SHA256 of a delivery address with the site's key (docs/audit.md, "Addresses"): the address's UTF-8
/// bytes exactly as the request gave them, no case folding or trimming (the worker never interprets an
/// address, and a search must not match an address the hand-off service would treat as another one).
/// Keyed rather than a plain hash because addresses are few and guessable: a plain SHA-256 of every
/// address of a directory is a dictionary away. Vault's audit devices do the same with their secrets.
/// </summary>
internal sealed class AddressHmac : IAddressDigest, IDisposable
{
    private readonly byte[]? _key;

    public AddressHmac(IOptions<AuditOptions> options)
    {
        var file = options.Value.AddressKeyFile;
        if (!string.IsNullOrWhiteSpace(file))
            _key = SecretFile.ReadBytes(file, $"{AuditOptions.SectionName}:{nameof(AuditOptions.AddressKeyFile)}");
    }

    /// <summary>For tests and the key's known-answer check: a digest with <paramref name="key"/>.</summary>
    internal AddressHmac(byte[] key) => _key = (byte[])key.Clone();

    public string? Of(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_key is null) return null;
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(address)));
    }

    public void Dispose()
    {
        if (_key is not null) CryptographicOperations.ZeroMemory(_key);
    }
}
