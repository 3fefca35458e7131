using SharedSecretWorker.Contracts;

namespace SharedSecretWorker.Audit;

/// <summary>
/// The audit trail's settings (section <c>Audit</c>; docs/audit.md). The trail itself is a stream queue that
/// the broker adapter declares (<c>Topology:AuditStream</c>); this section holds the key with which results
/// digest delivery addresses, so that the trail never holds an address in clear.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Audit";

    /// <summary>The broker's setting that names the audit stream (empty: no stream), read here to know whether a key is required.</summary>
    public const string StreamSettingKey = "Topology:AuditStream";

    /// <summary>
    /// Shortest key accepted, in bytes: HMAC-SHA256's own block of security (RFC 2104, section 3: a key
    /// shorter than the hash output weakens it). <c>openssl rand -hex 32</c> writes 64.
    /// </summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>
    /// File holding the address key: its bytes, without one trailing line ending, are the HMAC key as they
    /// are (a hex or base64 text is used as text, not decoded), read like every secret (<c>Common/SecretFile</c>,
    /// systemd credentials). Required while the audit stream is on.
    /// </summary>
    public string? AddressKeyFile { get; set; }

    /// <summary>True unless <c>Topology:AuditStream</c> is set empty (set from it when the options are built; not a setting of its own).</summary>
    internal bool StreamEnabled { get; set; } = true;

    /// <summary>The stream's name as configured, for error messages.</summary>
    internal string StreamName { get; set; } = DefaultNames.AuditStream;
}
