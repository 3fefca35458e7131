using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using SharedSecretWorker.Contracts.Tokens;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>
/// Makes tokens in a PKCS#11 HSM (docs/cmc-shared-token.md, "Token format"): an AES-128 session key
/// generated in the HSM as a session object, the passphrase encrypted with CKM_AES_CBC_PAD and the
/// fixed IV, the key wrapped with the issuance protection public key (CKM_RSA_PKCS, or
/// CKM_RSA_PKCS_OAEP SHA-256/MGF1-SHA-256/empty label), then destroyed. Randomness from C_GenerateRandom.
/// </summary>
internal sealed class Pkcs11TokenEncryptor : ITokenEncryptor
{
    /// <summary>Sample the probe encrypts; it leaves the process only inside a discarded token.</summary>
    private static readonly byte[] ProbePassphrase = "shrtok-probe"u8.ToArray();
    private readonly HsmOptions _options;
    private readonly KeyWrap _keyWrap;
    private readonly ILogger _logger;
    private readonly Pkcs11SessionPool _pool;
    private readonly SemaphoreSlim _probeLock = new(1, 1);
    private readonly SoftwareWrapKeys _softwareWrapKeys = new();
    private volatile Pkcs11WrapMode _mode;

    public Pkcs11TokenEncryptor(HsmOptions options, KeyWrap keyWrap, IssuanceProtectionKey? fileKey, ILogger logger)
    {
        _options = options;
        _keyWrap = keyWrap;
        _logger = logger;
        _pool = new Pkcs11SessionPool(options, fileKey, logger);
    }

    public string Description =>
        $"PKCS#11 encryptor, token '{_options.TokenLabel}', {_keyWrap} wrap {(_mode == Pkcs11WrapMode.Software ? "in software (Hsm:AllowSoftwareKeyWrap)" : "in the HSM")}, up to {_options.MaxSessions} sessions";

    public string? WrappedTo => _pool.WrappedTo;

    /// <summary>Where the session key is wrapped (after the probe).</summary>
    internal Pkcs11WrapMode Mode => _mode;

    /// <summary>The session pool, for tests that invalidate sessions.</summary>
    internal Pkcs11SessionPool Pool => _pool;

    public async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        if (_mode != Pkcs11WrapMode.Unknown)
        {
            // Later probes (the daemon's circuit breaker) check the HSM is back: one throw-away
            // token through the pool, which reconnects and logs in again if needed.
            await EncryptAsync(ProbePassphrase, cancellationToken).ConfigureAwait(false);
            return;
        }
        await _probeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_mode != Pkcs11WrapMode.Unknown) return;
            var mode = await _pool.RunAsync(Probe, "the start-up probe", cancellationToken).ConfigureAwait(false);
            if (mode == Pkcs11WrapMode.Software)
            {
                HsmLog.SoftwareKeyWrap(_logger, _options.TokenLabel);
            }
            _mode = mode;
        }
        finally
        {
            _probeLock.Release();
        }
    }

    public async ValueTask<string> EncryptAsync(ReadOnlyMemory<byte> passphrase, CancellationToken cancellationToken)
    {
        if (passphrase.IsEmpty) throw new ArgumentException("The passphrase is empty.", nameof(passphrase));
        if (_mode == Pkcs11WrapMode.Unknown) await ProbeAsync(cancellationToken).ConfigureAwait(false);
        var plaintext = passphrase.ToArray();
        try
        {
            var mode = _mode;
            return await _pool.RunAsync((session, connection) =>
            {
                var (wrapped, ciphertext) = mode == Pkcs11WrapMode.Software
                    ? EncryptWithSoftwareWrap(session, connection, plaintext)
                    : EncryptInHsm(session, connection, plaintext);
                return SharedTokenCodec.Encode(wrapped, ciphertext);
            }, "token encryption", cancellationToken).ConfigureAwait(false);
        }
        catch (TokenEngineException e) when (e.InnerException is Pkcs11Exception { Method: "C_GenerateKey" or "C_WrapKey" or "C_GetAttributeValue" or "C_DestroyObject" } failure)
        {
            // Only C_Encrypt sees the request's data (and C_Login's refusal stays permanent). Key
            // generation, wrapping and destruction use a fixed template and key that the start-up
            // probe proved, so their failure is the HSM's
            // (SoftHSM2 2.6.1 answers CKR_ATTRIBUTE_VALUE_INVALID or CKR_GENERAL_ERROR now and then
            // under concurrent load, upstream issues #573 and #688): retry later.
            throw new HsmUnavailableException(
                $"The HSM failed in {failure.Method} ({failure.RV}), a call that succeeded at start-up with the same template; treated as transient.", failure);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public async ValueTask FillRandomAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty) return;
        var random = await _pool.RunAsync((session, _) => session.GenerateRandom(destination.Length), "C_GenerateRandom", cancellationToken).ConfigureAwait(false);
        random.CopyTo(destination);
        CryptographicOperations.ZeroMemory(random);
    }

    public ValueTask DisposeAsync()
    {
        _pool.Dispose();
        _probeLock.Dispose();
        _softwareWrapKeys.Dispose();
        return ValueTask.CompletedTask;
    }

    private Pkcs11WrapMode Probe(ISession session, Pkcs11Connection connection)
    {
        var mechanisms = connection.Slot.GetMechanismList();
        var wrapMechanism = _keyWrap == KeyWrap.Oaep ? CKM.CKM_RSA_PKCS_OAEP : CKM.CKM_RSA_PKCS;
        foreach (var needed in new[] { CKM.CKM_AES_KEY_GEN, CKM.CKM_AES_CBC_PAD })
        {
            if (!mechanisms.Contains(needed))
                throw new TokenEngineException($"Hsm:Library: token '{_options.TokenLabel}' does not offer {needed}, which every token needs.");
        }
        try
        {
            if (!mechanisms.Contains(wrapMechanism)) throw new Pkcs11Exception("C_GetMechanismList", CKR.CKR_MECHANISM_INVALID);
            EncryptInHsm(session, connection, ProbePassphrase);
            return Pkcs11WrapMode.InHsm;
        }
        catch (Pkcs11Exception e) when (Pkcs11ReturnCodes.IsUnsupportedMechanism(e.RV))
        {
            if (_keyWrap == KeyWrap.Oaep && _options.AllowSoftwareKeyWrap)
            {
                EncryptWithSoftwareWrap(session, connection, ProbePassphrase);
                return Pkcs11WrapMode.Software;
            }
            throw new TokenEngineException(
                $"Token '{_options.TokenLabel}' cannot wrap the session key with {wrapMechanism}{(_keyWrap == KeyWrap.Oaep ? " (SHA-256, MGF1-SHA-256)" : "")}: {e.RV}."
                + (_keyWrap == KeyWrap.Oaep
                    ? " Token:KeyWrap=Oaep must match the CA's keyWrap.useOAEP. Use an HSM that supports OAEP with SHA-256 (SoftHSM2 2.6.1 knows only SHA-1),"
                      + " or set Hsm:AllowSoftwareKeyWrap=true to extract the session key and wrap it in software (the key then exists in this process's memory)."
                    : " Use an HSM that supports RSA PKCS#1 v1.5 encryption."), e);
        }
    }

    private (byte[] Wrapped, byte[] Ciphertext) EncryptInHsm(ISession session, Pkcs11Connection connection, byte[] plaintext)
    {
        var key = GenerateSessionKey(session, extractable: false);
        try
        {
            var ciphertext = Encrypt(session, key, plaintext);
            using var wrap = WrapMechanism();
            return (session.WrapKey(wrap, connection.WrappingKey, key), ciphertext);
        }
        finally
        {
            DestroyQuietly(session, key);
        }
    }

    private (byte[] Wrapped, byte[] Ciphertext) EncryptWithSoftwareWrap(ISession session, Pkcs11Connection connection, byte[] plaintext)
    {
        var key = GenerateSessionKey(session, extractable: true);
        byte[]? value = null;
        List<IObjectAttribute>? attributes = null;
        try
        {
            var ciphertext = Encrypt(session, key, plaintext);
            try
            {
                attributes = session.GetAttributeValue(key, [CKA.CKA_VALUE]);
                value = attributes[0].GetValueAsByteArray();
            }
            catch (AttributeValueException)
            {
                // The module reported the value unavailable (CK_UNAVAILABLE_INFORMATION); SoftHSM2
                // does so now and then under concurrent load. Classified like any C_GetAttributeValue failure.
                throw new Pkcs11Exception("C_GetAttributeValue", CKR.CKR_ATTRIBUTE_SENSITIVE);
            }
            return (SessionKeyCrypto.WrapSessionKey(_softwareWrapKeys.For(connection.Key), value, _keyWrap), ciphertext);
        }
        finally
        {
            if (value is not null) CryptographicOperations.ZeroMemory(value);
            // Each attribute holds an unmanaged copy of the session key: free it now, not at finalization.
            if (attributes is not null) foreach (var attribute in attributes) attribute.Dispose();
            DestroyQuietly(session, key);
        }
    }

    /// <param name="extractable">
    /// False: CKA_SENSITIVE, the value can only leave wrapped (C_WrapKey needs CKA_EXTRACTABLE, not
    /// readability). True: readable, for Hsm:AllowSoftwareKeyWrap only.
    /// </param>
    private IObjectHandle GenerateSessionKey(ISession session, bool extractable)
    {
        var attributes = _pool.Factories.ObjectAttributeFactory;
        using var mechanism = _pool.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        return session.GenerateKey(mechanism,
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_VALUE_LEN, (ulong)SharedTokenFormat.SessionKeyBytes),
            attributes.Create(CKA.CKA_TOKEN, false),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_SENSITIVE, !extractable),
            attributes.Create(CKA.CKA_EXTRACTABLE, true),
            attributes.Create(CKA.CKA_ENCRYPT, true),
            attributes.Create(CKA.CKA_DECRYPT, false),
            attributes.Create(CKA.CKA_WRAP, false),
            attributes.Create(CKA.CKA_UNWRAP, false),
        ]);
    }

    private byte[] Encrypt(ISession session, IObjectHandle key, byte[] plaintext)
    {
        using var mechanism = _pool.Factories.MechanismFactory.Create(CKM.CKM_AES_CBC_PAD, SharedTokenFormat.Iv());
        return session.Encrypt(mechanism, key, plaintext);
    }

    private IMechanism WrapMechanism()
    {
        var factories = _pool.Factories;
        if (_keyWrap == KeyWrap.Pkcs1) return factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS);
        // OAEP exactly as CMCSharedToken --oaep and the CA: SHA-256, MGF1-SHA-256, empty label.
        var parameters = factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
            ConvertUtils.UInt64FromCKM(CKM.CKM_SHA256),
            ConvertUtils.UInt64FromCKG(CKG.CKG_MGF1_SHA256),
            ConvertUtils.UInt64FromUInt32(CKZ.CKZ_DATA_SPECIFIED),
            null);
        return factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, parameters);
    }

    private static void DestroyQuietly(ISession session, IObjectHandle key)
    {
        try
        {
            session.DestroyObject(key);
        }
        catch (Pkcs11Exception)
        {
            // The session broke: its session objects, this key included, are gone with it.
        }
    }
}
