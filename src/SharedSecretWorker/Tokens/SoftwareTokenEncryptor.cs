using System.Security.Cryptography;
using SharedSecretWorker.Common;
using SharedSecretWorker.Contracts.Tokens;

namespace SharedSecretWorker.Tokens;

/// <summary>
/// Makes tokens without an HSM (the default when <c>Hsm:Library</c> is empty, and <c>shrtok token --cert</c>):
/// session key and randomness from the operating system's CSPRNG. The issuance protection public key
/// is imported once (on the first wrap, normally the probe) and kept until disposal.
/// </summary>
internal sealed class SoftwareTokenEncryptor(IssuanceProtectionKey key, KeyWrap keyWrap) : ITokenEncryptor
{
    private readonly RsaPublicKeyPool _wrappingKey = new(key.Parameters);

    public string Description => $"software encryptor, {keyWrap} wrap with {key.Description}";

    public string? WrappedTo => key.CertificateSha256;

    public ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        // One throw-away token proves the key and padding work before the first request.
        var sessionKey = RandomNumberGenerator.GetBytes(SharedTokenFormat.SessionKeyBytes);
        try
        {
            SessionKeyCrypto.WrapSessionKey(_wrappingKey, sessionKey, keyWrap);
        }
        catch (CryptographicException e)
        {
            throw new TokenEngineException($"The issuance protection key ({key.Description}) cannot wrap a session key with {keyWrap}: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<string> EncryptAsync(ReadOnlyMemory<byte> passphrase, CancellationToken cancellationToken)
    {
        if (passphrase.IsEmpty) throw new ArgumentException("The passphrase is empty.", nameof(passphrase));
        cancellationToken.ThrowIfCancellationRequested();
        Span<byte> sessionKey = stackalloc byte[SharedTokenFormat.SessionKeyBytes];
        try
        {
            RandomNumberGenerator.Fill(sessionKey);
            var ciphertext = SessionKeyCrypto.EncryptPassphrase(sessionKey, passphrase.Span);
            var wrapped = SessionKeyCrypto.WrapSessionKey(_wrappingKey, sessionKey, keyWrap);
            return ValueTask.FromResult(SharedTokenCodec.Encode(wrapped, ciphertext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    public ValueTask FillRandomAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        RandomNumberGenerator.Fill(destination.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _wrappingKey.Dispose();
        return ValueTask.CompletedTask;
    }
}
