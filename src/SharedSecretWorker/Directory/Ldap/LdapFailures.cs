using System.DirectoryServices.Protocols;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// Turns S.DS.P exceptions into <see cref="DirectoryException"/>: server answers arrive as
/// <see cref="DirectoryOperationException"/> (with the result code in the response), client-side
/// failures (server down, timeout, TLS) as <see cref="LdapException"/>.
/// </summary>
internal static class LdapFailures
{
    /// <summary>The LDAP result code carried by <paramref name="exception"/>, if any.</summary>
    public static int? ResultCode(Exception exception) => exception switch
    {
        DirectoryOperationException { Response: { } response } => (int)response.ResultCode,
        LdapException ldap => ldap.ErrorCode,
        DirectoryException directory => directory.LdapResultCode,
        _ => null,
    };

    /// <summary>
    /// Classifies <paramref name="exception"/> thrown while doing <paramref name="operation"/> on <paramref name="dn"/>.
    /// <paramref name="noSuchObject"/> is what a missing entry means in this context (unknown uid,
    /// unknown serial, or a misconfigured base). <paramref name="redact"/> (a token) is cut out of
    /// any text the server sent back.
    /// </summary>
    public static DirectoryException Classify(Exception exception, string operation, string? dn, DirectoryFailure noSuchObject, string? redact = null)
    {
        if (exception is DirectoryException known) return known;
        var code = ResultCode(exception);
        var serverText = exception switch
        {
            DirectoryOperationException { Response: { } response } => response.ErrorMessage,
            LdapException ldap => ldap.ServerErrorMessage,
            _ => null,
        };
        var kind = code is { } c ? KindOf(c, noSuchObject) : DirectoryFailure.Unavailable;
        var message = Describe(operation, dn, code, serverText, redact);
        return new DirectoryException(kind, message, dn, code, exception);
    }

    public static DirectoryFailure KindOf(int code, DirectoryFailure noSuchObject) => code switch
    {
        LdapResultCodes.NoSuchObject => noSuchObject,
        LdapResultCodes.InsufficientAccessRights => DirectoryFailure.Forbidden,
        LdapResultCodes.InvalidCredentials or LdapResultCodes.InappropriateAuthentication
            or LdapResultCodes.StrongerAuthRequired or LdapResultCodes.ConfidentialityRequired => DirectoryFailure.AuthenticationFailed,
        LdapResultCodes.NoSuchAttribute or LdapResultCodes.AttributeOrValueExists => DirectoryFailure.Conflict,
        _ when LdapResultCodes.IsTransient(code) => DirectoryFailure.Unavailable,
        _ => DirectoryFailure.Rejected,
    };

    public static string Describe(string operation, string? dn, int? code, string? serverText, string? redact)
    {
        var where = dn is null ? "" : $" on '{dn}'";
        var result = code is { } c ? $": LDAP result {c} ({NameOf(c)})" : "";
        var text = string.IsNullOrWhiteSpace(serverText) ? "" : $"; the server said: {Redact(serverText.Trim(), redact)}";
        return $"{operation}{where} failed{result}{text}.";
    }

    public static string NameOf(int code) => code switch
    {
        LdapResultCodes.ServerDown => "server down",
        LdapResultCodes.LocalError => "local error",
        LdapResultCodes.Timeout => "timeout",
        LdapResultCodes.ConnectError => "connect error",
        _ when Enum.IsDefined(typeof(System.DirectoryServices.Protocols.ResultCode), code) => ((System.DirectoryServices.Protocols.ResultCode)code).ToString(),
        _ => "unknown",
    };

    private static string Redact(string text, string? secret)
        => string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "[token]", StringComparison.Ordinal);
}
