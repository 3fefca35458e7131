namespace SharedSecretWorker.Directory;

/// <summary>A user's entry as the token lifecycle reads it: its enrollment token, the token's metadata, and when the entry last changed.</summary>
/// <param name="Dn">The entry's DN, as the server returned it.</param>
/// <param name="Uid">Its <c>uid</c>, when it has one.</param>
/// <param name="Token">The enrollment token (<c>Directory:EnrollmentTokenAttribute</c>), or null when it holds none.</param>
/// <param name="ModifiedAt">The entry's <c>modifyTimestamp</c> (directory clock, whole seconds): no earlier than the token's write.</param>
public sealed record TokenHolder(string Dn, string? Uid, string? Token, DateTimeOffset? ModifiedAt)
{
    /// <summary>The entry's <c>shrTokInfo</c> exactly as stored (deleted by its exact value with the token), or null.</summary>
    public string? InfoValue { get; init; }

    /// <summary>The entry's <c>shrTokNotAfter</c> exactly as stored (deleted by its exact value with the token), or null.</summary>
    public string? NotAfterValue { get; init; }

    /// <summary>The token's metadata, when <see cref="InfoValue"/> reads and belongs to <see cref="Token"/> (its sha256 matches); else null.</summary>
    public TokenMetadata? Metadata => Token is null || TokenMetadata.Parse(InfoValue) is not { } metadata
        || metadata.TokenSha256 != Contracts.Messages.TokenDigest.Sha256Hex(Token) ? null : metadata;
}
