using SharedSecretWorker.Directory;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Telemetry;

/// <summary>Bounded error types for metrics and spans: never an exception's message (it may name a DN or uid).</summary>
internal static class DependencyErrors
{
    /// <summary>The cancellation of a call (shutdown, a job handed back).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The HSM is unavailable for now (<see cref="HsmUnavailableException"/>).</summary>
    public const string HsmUnavailable = "hsm-unavailable";

    /// <summary>The directory is unavailable for now (<see cref="DirectoryFailure.Unavailable"/>).</summary>
    public const string DirectoryUnavailable = "unavailable";

    /// <summary>Error type of a failed token engine call.</summary>
    public static string OfHsm(Exception exception) => exception switch
    {
        OperationCanceledException => Cancelled,
        HsmUnavailableException => HsmUnavailable,
        TokenEngineException => "hsm-error",
        _ => exception.GetType().Name,
    };

    /// <summary>Error type of a failed directory operation: the <see cref="DirectoryFailure"/> in kebab case.</summary>
    public static string OfDirectory(Exception exception) => exception switch
    {
        OperationCanceledException => Cancelled,
        DirectoryException directory => directory.Kind switch
        {
            DirectoryFailure.InvalidUid => "invalid-uid",
            DirectoryFailure.UnknownUid => "unknown-uid",
            DirectoryFailure.AmbiguousUid => "ambiguous-uid",
            DirectoryFailure.UnknownSerial => "unknown-serial",
            DirectoryFailure.Forbidden => "forbidden",
            DirectoryFailure.AuthenticationFailed => "authentication-failed",
            DirectoryFailure.Rejected => "rejected",
            DirectoryFailure.Conflict => "conflict",
            DirectoryFailure.Unavailable => DirectoryUnavailable,
            DirectoryFailure.Misconfigured => "misconfigured",
            _ => "other",
        },
        _ => exception.GetType().Name,
    };
}
