namespace SharedSecretWorker.Tokens;

/// <summary>
/// The HSM seam: makes shared tokens and supplies randomness. Two implementations: PKCS#11 (the
/// HSM, when <c>Hsm:Library</c> is set) and software (otherwise). Both produce the same bytes
/// for the same session key (docs/cmc-shared-token.md, "Token format").
/// </summary>
public interface ITokenEncryptor : IAsyncDisposable
{
    /// <summary>Which implementation this is and what it wraps with, for logs (never a secret).</summary>
    string Description { get; }

    /// <summary>
    /// Lower-case hex SHA-256 of the DER issuance protection certificate tokens are wrapped to, or null
    /// when the key came without a certificate (or is not known yet): the <c>wrappedTo</c> of the token
    /// metadata (docs/token-lifecycle.md, "A lifetime").
    /// </summary>
    string? WrappedTo => null;

    /// <summary>
    /// Start-up and health check. The first successful call connects, logs in, finds the issuance
    /// protection key, checks the mechanisms and makes one throw-away token with the configured key
    /// wrap (deciding, on an HSM without OAEP-SHA-256, whether Hsm:AllowSoftwareKeyWrap applies).
    /// Later calls make one throw-away token, so they tell whether the HSM works now (circuit
    /// breakers). Fails with <see cref="TokenEngineException"/> when the configuration cannot work,
    /// <see cref="HsmUnavailableException"/> when the HSM is unavailable.
    /// </summary>
    ValueTask ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Encrypts <paramref name="passphrase"/> (its exact bytes; callers pass printable ASCII) with a
    /// fresh AES-128 session key and returns the token as single-line standard base64.
    /// </summary>
    /// <exception cref="HsmUnavailableException">A transient HSM failure; retry later.</exception>
    /// <exception cref="TokenEngineException">A permanent failure (configuration, mechanism, key).</exception>
    ValueTask<string> EncryptAsync(ReadOnlyMemory<byte> passphrase, CancellationToken cancellationToken);

    /// <summary>Fills <paramref name="destination"/> with random bytes (the HSM's C_GenerateRandom on the PKCS#11 path).</summary>
    ValueTask FillRandomAsync(Memory<byte> destination, CancellationToken cancellationToken);
}
