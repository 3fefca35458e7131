namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>A token text is malformed; <see cref="Error"/> says how. Messages never quote the token.</summary>
public sealed class SharedTokenFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SharedTokenFormatException(SharedTokenFormatError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public SharedTokenFormatException(SharedTokenFormatError error, string message, Exception innerException)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>What is wrong with the token.</summary>
    public SharedTokenFormatError Error { get; }
}
