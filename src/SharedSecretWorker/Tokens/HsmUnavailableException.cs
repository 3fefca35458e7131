namespace SharedSecretWorker.Tokens;

/// <summary>
/// A transient HSM failure (session invalid, device removed, token not present, device error, no
/// session free in time). The operation did not happen; the caller retries later. The next call
/// re-opens sessions and logs in again. Messages never contain a PIN or passphrase.
/// </summary>
public sealed class HsmUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HsmUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public HsmUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
