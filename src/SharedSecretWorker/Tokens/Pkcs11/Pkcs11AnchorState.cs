namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>What C_GetSessionInfo on a connection's anchor session says after a failure.</summary>
internal enum Pkcs11AnchorState
{
    /// <summary>Open and logged in: the failure was the call's own.</summary>
    Alive,
    /// <summary>Open but no longer logged in: the connection must log in again.</summary>
    LoggedOut,
    /// <summary>The handle is gone (C_CloseAllSessions, device removed): every handle of the connection is.</summary>
    HandleInvalid,
}
