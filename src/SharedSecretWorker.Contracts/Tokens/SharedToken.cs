namespace SharedSecretWorker.Contracts.Tokens;

/// <summary>
/// The two parts of a shared token: <c>SEQUENCE { OCTET STRING encryptedSession, OCTET STRING encryptedPrivate }</c>
/// (docs/cmc-shared-token.md, "Token format").
/// </summary>
/// <param name="WrappedSessionKey">The AES session key wrapped with the issuance protection RSA public key.</param>
/// <param name="Ciphertext">The passphrase's bytes, AES-CBC with PKCS#7 padding and the fixed IV.</param>
public sealed record SharedToken(ReadOnlyMemory<byte> WrappedSessionKey, ReadOnlyMemory<byte> Ciphertext);
