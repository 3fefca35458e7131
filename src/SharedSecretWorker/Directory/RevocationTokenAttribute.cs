namespace SharedSecretWorker.Directory;

/// <summary>Where a revocation token goes on the certificate record (docs/cmc-shared-token.md, "Revocation: where the CA looks").</summary>
public enum RevocationTokenAttribute
{
    /// <summary>One <c>metaInfo</c> value <c>revShrTok:&lt;token&gt;</c>: what the CA's code actually reads (default).</summary>
    MetaInfo,

    /// <summary>The product documentation's variant: <c>shrTok</c> on the record.</summary>
    ShrTok,
}
