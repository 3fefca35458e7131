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

    /// <summary>
    /// Default lifetime of a token: 7 days. Long enough for a notice sent on a Friday to be used on
    /// Monday; short enough that a bulk onboarding does not leave a standing credential behind
    /// (docs/token-lifecycle.md, "A lifetime").
    /// </summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);

    /// <summary>Default longest lifetime a request may ask for: the same 7 days, so a request can only shorten it.</summary>
    public static readonly TimeSpan DefaultMaxLifetime = TimeSpan.FromDays(7);

    /// <summary>Longest lifetime configurable (and the longest a request may ask for: 366 days).</summary>
    public static readonly TimeSpan MaxConfigurableLifetime = TimeSpan.FromDays(366);

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

    /// <summary>
    /// How long a token stays in the directory unused before the worker removes it, when the request
    /// does not ask for a lifetime of its own. <see cref="TimeSpan.Zero"/>: tokens never expire.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = DefaultLifetime;

    /// <summary>
    /// The longest lifetime a request may ask for (<c>lifetimeSeconds</c>); a request asking more fails
    /// with <c>lifetime-too-long</c>. <see cref="TimeSpan.Zero"/>: no maximum beyond the request limit of 366 days.
    /// </summary>
    public TimeSpan MaxLifetime { get; set; } = DefaultMaxLifetime;

    /// <summary>When above zero, a '-' every this many characters, for reading aloud; the dashes are part of the passphrase.</summary>
    public int PassphraseGroupSize { get; set; } = DefaultPassphraseGroupSize;
}
