namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>
/// How the AES session key is wrapped with the issuance protection RSA key. The CA has no
/// fallback (docs/cmc-shared-token.md, "Token format"): this must equal the CA's <c>keyWrap.useOAEP</c>.
/// </summary>
public enum KeyWrap
{
    /// <summary>RSA PKCS#1 v1.5 (CMCSharedToken's default, CA <c>keyWrap.useOAEP=false</c>).</summary>
    Pkcs1 = 1,

    /// <summary>RSA-OAEP, SHA-256, MGF1-SHA-256, empty label (CMCSharedToken <c>--oaep</c>, CA <c>keyWrap.useOAEP=true</c>).</summary>
    Oaep = 2,
}
