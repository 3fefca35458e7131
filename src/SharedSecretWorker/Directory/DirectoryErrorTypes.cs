using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Directory;

/// <summary>Bounded error types of directory operations for metrics and spans: never an exception's message (it may name a DN or uid).</summary>
internal static class DirectoryErrorTypes
{
    /// <summary>Error type of a failed directory operation: the <see cref="DirectoryFailure"/> in kebab case.</summary>
    public static string Of(Exception exception) => exception switch
    {
        OperationCanceledException => DependencyErrors.Cancelled,
        DirectoryException directory => directory.Kind switch
        {
            DirectoryFailure.InvalidUid => "invalid-uid",
            DirectoryFailure.UnknownUid => "unknown-uid",
            DirectoryFailure.AmbiguousUid => "ambiguous-uid",
            DirectoryFailure.UnknownSerial => "unknown-serial",
            DirectoryFailure.Forbidden => "forbidden",
            DirectoryFailure.InsufficientAccess => "insufficient-access",
            DirectoryFailure.AuthenticationFailed => "authentication-failed",
            DirectoryFailure.Rejected => "rejected",
            DirectoryFailure.Conflict => "conflict",
            DirectoryFailure.Unavailable => DependencyErrors.DirectoryUnavailable,
            DirectoryFailure.Misconfigured => "misconfigured",
            _ => "other",
        },
        _ => exception.GetType().Name,
    };
}
