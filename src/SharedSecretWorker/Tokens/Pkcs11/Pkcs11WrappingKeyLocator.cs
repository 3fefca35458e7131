using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>
/// Finds or imports the issuance protection public key in a session: from a public key or
/// certificate object on the token (<c>Hsm:IssuanceProtectionKeyLabel</c>), or from
/// <c>Token:IssuanceProtectionCertificateFile</c> imported as a session object (CKA_TOKEN=false,
/// so nothing is left on the token).
/// </summary>
internal static class Pkcs11WrappingKeyLocator
{
    private const string SessionObjectLabel = "shrtok-issuance-protection";

    public static (IObjectHandle Handle, IssuanceProtectionKey Key) Locate(
        ISession session, Pkcs11InteropFactories factories, string tokenLabel, string keyLabel, IssuanceProtectionKey? fileKey)
    {
        if (string.IsNullOrWhiteSpace(keyLabel))
        {
            var key = fileKey ?? throw new TokenEngineException("Token:IssuanceProtectionCertificateFile or Hsm:IssuanceProtectionKeyLabel must name the issuance protection key.");
            return (Import(session, factories, key), key);
        }
        var attributes = factories.ObjectAttributeFactory;
        var publicKeys = session.FindAllObjects(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
            attributes.Create(CKA.CKA_LABEL, keyLabel),
        ]);
        IObjectHandle? tokenHandle = null;
        IssuanceProtectionKey found;
        if (publicKeys.Count > 0)
        {
            var values = session.GetAttributeValue(publicKeys[0], [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT, CKA.CKA_WRAP]);
            found = IssuanceProtectionKey.FromModulus(values[0].GetValueAsByteArray(), values[1].GetValueAsByteArray(),
                $"public key '{keyLabel}' on token '{tokenLabel}'");
            // Use the token's object directly only when it may wrap; otherwise wrap with a session copy.
            if (values[2].GetValueAsBool()) tokenHandle = publicKeys[0];
        }
        else
        {
            var certificates = session.FindAllObjects(
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE),
                attributes.Create(CKA.CKA_LABEL, keyLabel),
            ]);
            if (certificates.Count == 0)
            {
                throw new TokenEngineException($"Hsm:IssuanceProtectionKeyLabel: token '{tokenLabel}' has no RSA public key or certificate labelled '{keyLabel}'.");
            }
            var value = session.GetAttributeValue(certificates[0], [CKA.CKA_VALUE])[0].GetValueAsByteArray();
            found = IssuanceProtectionKey.FromCertificateDer(value, "Hsm:IssuanceProtectionKeyLabel", $"certificate '{keyLabel}' on token '{tokenLabel}'");
        }
        if (fileKey is not null && !fileKey.SameKeyAs(found))
        {
            throw new TokenEngineException($"Hsm:IssuanceProtectionKeyLabel ('{keyLabel}' on token '{tokenLabel}') and Token:IssuanceProtectionCertificateFile hold different keys; set one, or make them the same key.");
        }
        return (tokenHandle ?? Import(session, factories, found), found);
    }

    private static IObjectHandle Import(ISession session, Pkcs11InteropFactories factories, IssuanceProtectionKey key)
    {
        var attributes = factories.ObjectAttributeFactory;
        // A session object may be created in a read-only session (PKCS#11 v2.40 §6.7.1): no R/W session needed.
        return session.CreateObject(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
            attributes.Create(CKA.CKA_TOKEN, false),
            attributes.Create(CKA.CKA_PRIVATE, false),
            attributes.Create(CKA.CKA_LABEL, SessionObjectLabel),
            attributes.Create(CKA.CKA_WRAP, true),
            attributes.Create(CKA.CKA_ENCRYPT, true),
            attributes.Create(CKA.CKA_VERIFY, false),
            attributes.Create(CKA.CKA_MODULUS, key.Modulus),
            attributes.Create(CKA.CKA_PUBLIC_EXPONENT, key.Exponent),
        ]);
    }
}
