using Net.Pkcs11Interop.HighLevelAPI;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>
/// One logged-in connection to the token: its slot, an anchor session and the wrapping key. The
/// anchor session is never used for work; it keeps the login alive (PKCS#11 logs the application
/// out when its last session closes) and owns the imported public key, a session object that lives
/// as long as the session that created it.
/// </summary>
internal sealed class Pkcs11Connection(IPkcs11Library library, ISlot slot, ISession anchor, IObjectHandle wrappingKey, IssuanceProtectionKey key, int generation)
{
    /// <summary>The module initialisation this connection belongs to; a re-initialised module voids it.</summary>
    public IPkcs11Library Library { get; } = library;

    /// <summary>The token's slot.</summary>
    public ISlot Slot { get; } = slot;

    /// <summary>The session that holds the login and the imported key.</summary>
    public ISession Anchor { get; } = anchor;

    /// <summary>Handle of the issuance protection public key (an imported session object, or the token's object).</summary>
    public IObjectHandle WrappingKey { get; } = wrappingKey;

    /// <summary>The issuance protection public key's material (for software wrapping and logs).</summary>
    public IssuanceProtectionKey Key { get; } = key;

    /// <summary>Sessions opened under another generation are closed instead of reused.</summary>
    public int Generation { get; } = generation;

    /// <summary>
    /// Set when the token invalidated this connection's session handles (C_CloseAllSessions, device
    /// removed). Such handles are dropped, never passed to C_CloseSession: modules may hand the same
    /// number to a new session, and closing it would close someone else's.
    /// </summary>
    public bool HandlesInvalid { get; set; }
}
