namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>Where the session key is wrapped, decided by the start-up probe.</summary>
internal enum Pkcs11WrapMode
{
    /// <summary>Not probed yet.</summary>
    Unknown = 0,
    /// <summary>C_WrapKey in the HSM; the session key never leaves it.</summary>
    InHsm,
    /// <summary>
    /// The HSM cannot wrap with the configured padding (SoftHSM2: no OAEP with SHA-256) and
    /// Hsm:AllowSoftwareKeyWrap is on: the session key is extracted and wrapped in software.
    /// </summary>
    Software,
}
