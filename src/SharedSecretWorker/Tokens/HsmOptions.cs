namespace SharedSecretWorker.Tokens;

/// <summary>Configuration section <c>Hsm</c>: the PKCS#11 module (docs/operations.md, "Configuration").</summary>
public sealed class HsmOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Hsm";

    /// <summary>Default pool size.</summary>
    public const int DefaultMaxSessions = 4;

    /// <summary>Largest pool accepted; HSMs limit sessions per application far below this.</summary>
    public const int MaxMaxSessions = 256;

    /// <summary>Default wait for a free session before the call fails as transient.</summary>
    public static readonly TimeSpan DefaultSessionWaitTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Path of the PKCS#11 module; empty selects the software encryptor.</summary>
    public string Library { get; set; } = "";

    /// <summary>Label of the token (CKA token label) that holds the session keys.</summary>
    public string TokenLabel { get; set; } = "";

    /// <summary>File holding the user PIN (systemd credential name or path).</summary>
    public string PinFile { get; set; } = "";

    /// <summary>Sessions open at most at once, shared by all threads (bounded parallelism).</summary>
    public int MaxSessions { get; set; } = DefaultMaxSessions;

    /// <summary>
    /// Optional label of a public key or certificate object on the token holding the issuance
    /// protection key. Empty: the key comes from <c>Token:IssuanceProtectionCertificateFile</c>.
    /// When both are set they must be the same key.
    /// </summary>
    public string IssuanceProtectionKeyLabel { get; set; } = "";

    /// <summary>
    /// When the HSM cannot do RSA-OAEP with SHA-256 (SoftHSM2 2.6.1 knows only SHA-1), allow the
    /// session key to be extracted from the HSM and wrapped in software. Off by default: the session
    /// key then exists in this process's memory. A warning is logged at start-up when it is used.
    /// </summary>
    public bool AllowSoftwareKeyWrap { get; set; }

    /// <summary>How long a call waits for a free session before failing as transient.</summary>
    public TimeSpan SessionWaitTimeout { get; set; } = DefaultSessionWaitTimeout;

    /// <summary>
    /// After this many HSM operations the module is finalised and initialised again (between calls,
    /// no request fails), releasing whatever it keeps per operation; 0, the default: never. For
    /// SoftHSM2 up to 2.6, which keeps every destroyed session object (each token's AES session key)
    /// in memory until C_Finalize: about 150 bytes a token, 15 MB per 100,000. An HSM that frees
    /// destroyed objects needs no recycling.
    /// </summary>
    public int ReinitializeAfterOperations { get; set; }
}
