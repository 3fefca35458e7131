namespace SharedSecretWorker.Contracts.Sealing;

/// <summary>A sealed passphrase could not be opened; <see cref="Failure"/> says whether the input or the key is at fault.</summary>
public sealed class UnsealException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnsealException(UnsealFailure failure, string message, Exception? inner = null)
        : base(message, inner) => Failure = failure;

    /// <summary>Whether the input was malformed or the key is the wrong one.</summary>
    public UnsealFailure Failure { get; }
}
