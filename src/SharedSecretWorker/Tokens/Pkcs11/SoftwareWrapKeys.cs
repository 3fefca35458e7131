using SharedSecretWorker.Common;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>
/// The issuance protection public key imported once for the PKCS#11 encryptor's software wrap
/// (<c>Hsm:AllowSoftwareKeyWrap</c>), as the software encryptor keeps it: an import costs several times
/// the wrap itself (docs/performance.md, "Hot path, piece by piece"). Each re-initialisation of the
/// module locates the key again (a new <see cref="IssuanceProtectionKey"/>); the same key keeps the
/// same pool. A different key (rotated in the token) gets a new pool, and the old one is left to the
/// finalizers rather than disposed, because a wrap of the previous generation may still be using it.
/// </summary>
internal sealed class SoftwareWrapKeys : IDisposable
{
    private sealed record Imported(byte[] Modulus, byte[] Exponent, RsaPublicKeyPool Pool);

    private volatile Imported? _current;

    /// <summary>A pool for <paramref name="key"/>: the current one if it holds the same key, else a new one.</summary>
    public RsaPublicKeyPool For(IssuanceProtectionKey key)
    {
        var current = _current;
        if (current is not null && current.Modulus.AsSpan().SequenceEqual(key.Modulus) && current.Exponent.AsSpan().SequenceEqual(key.Exponent))
            return current.Pool;
        var fresh = new Imported(key.Modulus, key.Exponent, new RsaPublicKeyPool(key.Parameters));
        _current = fresh;
        return fresh.Pool;
    }

    public void Dispose() => _current?.Pool.Dispose();
}
