using Net.Pkcs11Interop.Common;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>Which PKCS#11 return values are transient (retry after re-opening sessions) and which mean an unsupported mechanism.</summary>
internal static class Pkcs11ReturnCodes
{
    /// <summary>
    /// Failures of the device or of the session, not of the request: the operation did not happen,
    /// and the next call on fresh sessions can succeed (PKCS#11 v2.40 §5.1: session and device errors).
    /// </summary>
    public static bool IsTransient(CKR rv) => rv is
        CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_SESSION_COUNT or
        CKR.CKR_DEVICE_REMOVED or CKR.CKR_DEVICE_ERROR or CKR.CKR_DEVICE_MEMORY or CKR.CKR_HOST_MEMORY or
        CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_TOKEN_NOT_RECOGNIZED or CKR.CKR_SLOT_ID_INVALID or
        CKR.CKR_USER_NOT_LOGGED_IN or CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_GENERAL_ERROR or
        CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_WRAPPING_KEY_HANDLE_INVALID;

    /// <summary>The module does not support the mechanism or its parameters (SoftHSM2 and OAEP-SHA-256: CKR_ARGUMENTS_BAD).</summary>
    public static bool IsUnsupportedMechanism(CKR rv) => rv is
        CKR.CKR_ARGUMENTS_BAD or CKR.CKR_MECHANISM_INVALID or CKR.CKR_MECHANISM_PARAM_INVALID;
}
