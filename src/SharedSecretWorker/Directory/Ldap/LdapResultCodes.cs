namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// LDAP result codes this store acts on (RFC 4511 appendix A), and
/// the client-side codes S.DS.P reports from libldap (it maps libldap's negative codes to the
/// Windows numbering: server down 81, timeout 85, connect error 91, ...).
/// </summary>
internal static class LdapResultCodes
{
    public const int OperationsError = 1;
    public const int ProtocolError = 2;
    public const int TimeLimitExceeded = 3;
    public const int SizeLimitExceeded = 4;
    public const int StrongerAuthRequired = 8;
    public const int AdminLimitExceeded = 11;
    public const int UnavailableCriticalExtension = 12;
    public const int ConfidentialityRequired = 13;
    public const int NoSuchAttribute = 16;
    public const int UndefinedAttributeType = 17;
    public const int ConstraintViolation = 19;
    public const int AttributeOrValueExists = 20;
    public const int InvalidAttributeSyntax = 21;
    public const int NoSuchObject = 32;
    public const int InvalidDnSyntax = 34;
    public const int InappropriateAuthentication = 48;
    public const int InvalidCredentials = 49;
    public const int InsufficientAccessRights = 50;
    public const int Busy = 51;
    public const int Unavailable = 52;
    public const int UnwillingToPerform = 53;
    public const int LoopDetect = 54;
    public const int NamingViolation = 64;
    public const int ObjectClassViolation = 65;
    public const int NotAllowedOnNonLeaf = 66;
    public const int NotAllowedOnRdn = 67;
    public const int Other = 80;
    public const int ServerDown = 81;
    public const int LocalError = 82;
    public const int EncodingError = 83;
    public const int DecodingError = 84;
    public const int Timeout = 85;
    public const int FilterError = 87;
    public const int ConnectError = 91;

    /// <summary>Server and connection conditions that may clear by themselves.</summary>
    public static bool IsTransient(int code) => code is TimeLimitExceeded or AdminLimitExceeded or Busy or Unavailable
        or ServerDown or LocalError or Timeout or ConnectError or OperationsError or Other;

    /// <summary>The connection itself is unusable afterwards: drop it and dial again.</summary>
    public static bool BreaksConnection(int code) => code is ServerDown or LocalError or Timeout or ConnectError
        or EncodingError or DecodingError or ProtocolError;
}
