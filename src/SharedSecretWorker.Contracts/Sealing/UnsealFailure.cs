namespace SharedSecretWorker.Contracts.Sealing;

/// <summary>Why a sealed passphrase could not be opened.</summary>
public enum UnsealFailure
{
    /// <summary>The data is not base64 or not a DER CMS EnvelopedData: bad input.</summary>
    Malformed,

    /// <summary>It was sealed to another certificate, or the key cannot decrypt it: wrong key.</summary>
    WrongKey,
}
