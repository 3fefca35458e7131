namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>A well-formed token could not be decrypted; <see cref="Error"/> says why. Never quotes key material or plaintext.</summary>
public sealed class SharedTokenDecryptionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SharedTokenDecryptionException(SharedTokenDecryptionError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public SharedTokenDecryptionException(SharedTokenDecryptionError error, string message, Exception innerException)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Why decryption failed.</summary>
    public SharedTokenDecryptionError Error { get; }
}
