namespace SharedSecretWorker.Tokens;

/// <summary>
/// A permanent token-engine failure: wrong configuration, missing key, unsupported mechanism, PIN
/// refused. Retrying does not help. Messages name the configuration key to fix and never contain a
/// PIN or passphrase.
/// </summary>
public sealed class TokenEngineException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TokenEngineException(string message) : base(message) { }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public TokenEngineException(string message, Exception innerException) : base(message, innerException) { }
}
