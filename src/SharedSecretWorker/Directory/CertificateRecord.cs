namespace SharedSecretWorker.Directory;

/// <summary>
/// What the token lifecycle needs of one of the CA's certificate records (objectClass
/// <c>certificateRecord</c>, docs/token-lifecycle.md): the attributes as the CA wrote them, and the
/// directory's own creation time.
/// </summary>
/// <param name="Dn">The record's DN, as the server returned it.</param>
/// <param name="Serial">The decimal serial: the record's <c>cn</c>.</param>
/// <param name="SubjectName">The certificate's subject DN as the CA wrote it (for a shared-token enrollment: the user's entry DN).</param>
/// <param name="CreatedAt">The record's <c>createTimestamp</c>: when the directory added it, in the directory's clock.</param>
/// <param name="DateOfCreate">The CA's <c>dateOfCreate</c> (written <c>yyyyMMddHHmmss'Z'</c> in the CA's clock), parsed.</param>
/// <param name="CertStatus">The CA's <c>certStatus</c> (VALID, REVOKED, ...).</param>
/// <param name="RevokedOn">The CA's <c>revokedOn</c>, parsed, when set.</param>
/// <param name="RevocationTokenValues">The record's <c>metaInfo</c> values that hold a revocation token (<c>revShrTok:&lt;token&gt;</c>), exactly as stored.</param>
public sealed record CertificateRecord(
    string Dn,
    string? Serial,
    string? SubjectName,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? DateOfCreate,
    string? CertStatus,
    DateTimeOffset? RevokedOn,
    IReadOnlyList<string> RevocationTokenValues)
{
    /// <summary>
    /// The record's <c>metaInfo</c> values that hold a revocation token's metadata line
    /// (<c>revShrTokInfo:&lt;line&gt;</c>, <see cref="TokenMetadata"/>), exactly as stored, for exact deletes.
    /// </summary>
    public IReadOnlyList<string> RevocationTokenInfoValues { get; init; } = [];

    /// <summary>
    /// The metadata of the token <paramref name="tokenSha256"/>: the first <see cref="RevocationTokenInfoValues"/>
    /// line whose sha256 matches it, or null.
    /// </summary>
    public TokenMetadata? InfoFor(string tokenSha256) =>
        RevocationTokenInfoValues.Select(TokenMetadata.ParseMetaInfo).FirstOrDefault(m => m is not null && m.TokenSha256 == tokenSha256);

    /// <summary>Dogtag's <c>certStatus</c> of a revoked certificate.</summary>
    public const string Revoked = "REVOKED";

    /// <summary>Dogtag's <c>certStatus</c> of a revoked certificate that has since expired.</summary>
    public const string RevokedExpired = "REVOKED_EXPIRED";

    /// <summary>The CA has revoked the certificate (<see cref="Revoked"/> or <see cref="RevokedExpired"/>).</summary>
    public bool IsRevoked => string.Equals(CertStatus, Revoked, StringComparison.OrdinalIgnoreCase)
        || string.Equals(CertStatus, RevokedExpired, StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>metaInfo</c> key of a revocation token.</summary>
    public const string RevocationTokenPrefix = "revShrTok:";

    /// <summary>The token text of a <see cref="RevocationTokenValues"/> entry.</summary>
    public static string TokenOf(string revocationTokenValue)
    {
        ArgumentNullException.ThrowIfNull(revocationTokenValue);
        return revocationTokenValue.StartsWith(RevocationTokenPrefix, StringComparison.OrdinalIgnoreCase)
            ? revocationTokenValue[RevocationTokenPrefix.Length..]
            : throw new ArgumentException($"'{RevocationTokenPrefix}' value expected.", nameof(revocationTokenValue));
    }
}
