using SharedSecretWorker.Contracts.Tokens;

namespace SharedSecretWorker.Tokens;

/// <summary>Configuration section <c>Token</c>: what tokens look like (docs/operations.md, "Configuration").</summary>
public sealed class TokenOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Token";

    /// <summary>Default passphrase length: 20 characters of a 32-symbol alphabet give 100 bits.</summary>
    public const int DefaultPassphraseLength = 20;

    /// <summary>Default group size: 0, no grouping.</summary>
    public const int DefaultPassphraseGroupSize = 0;

    /// <summary>Longest passphrase accepted from configuration.</summary>
    public const int MaxPassphraseLength = 256;

    /// <summary>
    /// Required, no default: must match the CA's <c>keyWrap.useOAEP</c> (false: <c>Pkcs1</c>,
    /// true: <c>Oaep</c>). The CA has no fallback; a mismatch makes every token useless.
    /// </summary>
    public KeyWrap? KeyWrap { get; set; }

    /// <summary>PEM or DER file of the CA's issuance protection certificate.</summary>
    public string IssuanceProtectionCertificateFile { get; set; } = "";

    /// <summary>Characters drawn from the alphabet (group separators not counted); at least 100 bits of entropy.</summary>
    public int PassphraseLength { get; set; } = DefaultPassphraseLength;

    /// <summary>When above zero, a '-' every this many characters, for reading aloud; the dashes are part of the passphrase.</summary>
    public int PassphraseGroupSize { get; set; } = DefaultPassphraseGroupSize;
}
