using System.Security.Cryptography;

namespace SharedSecretWorker.Common;

/// <summary>
/// RSA public-key encryption with the key imported once, not per call. Importing an RSA public key
/// into OpenSSL costs several times the encryption itself (docs/performance.md, "Hot path, piece by
/// piece"), so the imported <see cref="RSA"/> objects are kept for the owner's life. .NET does not
/// document an <see cref="RSA"/> instance as safe for concurrent use (instance members are not
/// guaranteed thread-safe; dotnet/corefx#9708: "key use may or may not fail under parallel
/// requests"), so each object is used by one caller at a time: a caller takes an idle one from a
/// small set of slots, or imports a new one when all are busy, and puts it back afterwards (one
/// above the slots' number is disposed). Thread-safe; no lock; no allocation once warm.
/// </summary>
internal sealed class RsaPublicKeyPool : IDisposable
{
    private readonly RSAParameters _parameters;
    private readonly RSA?[] _idle;
    private volatile bool _disposed;

    /// <param name="parameters">Modulus and public exponent (a private part, if any, is ignored).</param>
    /// <param name="slots">How many idle objects are kept; 0 for twice the processor count, at least 4.</param>
    /// <remarks>Nothing is imported yet: the first <see cref="Encrypt"/> does it (and throws, for a bad key).</remarks>
    public RsaPublicKeyPool(RSAParameters parameters, int slots = 0)
    {
        _parameters = new RSAParameters { Modulus = parameters.Modulus, Exponent = parameters.Exponent };
        _idle = new RSA?[slots > 0 ? slots : Math.Max(4, 2 * Environment.ProcessorCount)];
    }

    /// <summary>How many imported objects are idle now (tests).</summary>
    internal int IdleCount => _idle.Count(rsa => rsa is not null);

    /// <summary>Encrypts <paramref name="data"/> with the public key (<see cref="RSA.Encrypt(ReadOnlySpan{byte}, RSAEncryptionPadding)"/>).</summary>
    /// <exception cref="CryptographicException">The key cannot be imported, or the data cannot be encrypted with it.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public byte[] Encrypt(ReadOnlySpan<byte> data, RSAEncryptionPadding padding)
    {
        var rsa = Rent();
        try
        {
            return rsa.Encrypt(data, padding);
        }
        finally
        {
            Return(rsa);
        }
    }

    /// <summary>Disposes the idle objects; those in use are disposed when they come back.</summary>
    public void Dispose()
    {
        _disposed = true;
        DisposeIdle();
    }

    private RSA Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var i = 0; i < _idle.Length; i++)
        {
            if (Volatile.Read(ref _idle[i]) is null) continue;
            var rsa = Interlocked.Exchange(ref _idle[i], null);
            if (rsa is not null) return rsa;
        }
        return RSA.Create(_parameters);
    }

    private void Return(RSA rsa)
    {
        if (!_disposed)
        {
            for (var i = 0; i < _idle.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _idle[i], rsa, null) is null)
                {
                    // Dispose may have swept the slots between the check above and the store.
                    if (_disposed) DisposeIdle();
                    return;
                }
            }
        }
        rsa.Dispose();
    }

    private void DisposeIdle()
    {
        for (var i = 0; i < _idle.Length; i++) Interlocked.Exchange(ref _idle[i], null)?.Dispose();
    }
}
