namespace SharedSecretWorker.Processing;

/// <summary>
/// The keyed digest of a delivery address that results carry for the audit trail (docs/audit.md,
/// "Addresses"): the address is personal data, so neither the results nor the trail hold it in clear,
/// and only someone with the site's key can tell which address a record names. Implemented by
/// <c>Audit/AddressHmac</c>, which owns the key file; processing only asks.
/// </summary>
public interface IAddressDigest
{
    /// <summary>Lower-case hex HMAC-SHA256 of <paramref name="address"/>'s UTF-8 bytes, or null when no key is configured.</summary>
    string? Of(string address);
}
