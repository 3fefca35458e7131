using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tokens;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>The stack's SoftHSM2 token and issuance protection pair, as options for the token engine.</summary>
internal static class StackHsm
{
    public static StackEnvironment Stack => StackEnvironment.Load();

    public static string CertificateFile => Stack.Get("STACK_ISSUANCE_PROTECTION_CERT");

    public static string PrivateKeyFile => Stack.Get("STACK_ISSUANCE_PROTECTION_KEY");

    public static string KeyLabel => Stack.Find("STACK_ISSUANCE_PROTECTION_LABEL") ?? "issuance-protection";

    public static HsmOptions Options(int maxSessions = HsmOptions.DefaultMaxSessions, bool allowSoftwareKeyWrap = false, string keyLabel = "")
    {
        // The module initializer should have done it; make sure, in case this class is used first.
        NativeEnvironment.Set("SOFTHSM2_CONF", Stack.Get("STACK_SOFTHSM2_CONF"));
        return new HsmOptions
        {
            Library = Stack.Get("STACK_HSM_LIBRARY"),
            TokenLabel = Stack.Get("STACK_HSM_TOKEN_LABEL"),
            PinFile = Stack.Get("STACK_HSM_PIN_FILE"),
            MaxSessions = maxSessions,
            AllowSoftwareKeyWrap = allowSoftwareKeyWrap,
            IssuanceProtectionKeyLabel = keyLabel,
            SessionWaitTimeout = TimeSpan.FromSeconds(60),
        };
    }

    public static Pkcs11TokenEncryptor Encryptor(KeyWrap keyWrap, int maxSessions = HsmOptions.DefaultMaxSessions, bool allowSoftwareKeyWrap = false, string keyLabel = "", string? certificateFile = null, ILogger? logger = null)
    {
        var file = certificateFile ?? (keyLabel.Length == 0 ? CertificateFile : null);
        var key = file is null ? null : IssuanceProtectionKey.FromFile(file, "test");
        return new Pkcs11TokenEncryptor(Options(maxSessions, allowSoftwareKeyWrap, keyLabel), keyWrap, key, logger ?? NullLogger.Instance);
    }

    public static SharedTokenDecryptor Decryptor(KeyWrap keyWrap) => SharedTokenDecryptor.FromKeyFile(PrivateKeyFile, keyWrap);
}
