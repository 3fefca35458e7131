namespace SharedSecretWorker.Contracts;

/// <summary>
/// The stable <c>error.code</c> values of a failed result (docs/messages.md, "Results").
/// Requesters branch on these strings, so a value never changes once published; a new
/// failure gets a new code.
/// </summary>
public static class ErrorCodes
{
    /// <summary>The message could not be read as a version-1 request (syntax, types, fields, limits).</summary>
    public const string InvalidRequest = "invalid-request";

    /// <summary>No entry under the people base has the requested uid.</summary>
    public const string UnknownUid = "unknown-uid";

    /// <summary>Several entries have the requested uid; the CA would take the first one, so the worker refuses (docs/cmc-shared-token.md, Enrollment).</summary>
    public const string AmbiguousUid = "ambiguous-uid";

    /// <summary>No certificate record has the requested serial.</summary>
    public const string UnknownSerial = "unknown-serial";

    /// <summary>The delivery channel is not configured (no recipient certificate to seal the passphrase to).</summary>
    public const string UnknownChannel = "unknown-channel";

    /// <summary>The directory refused the worker's bind or write (insufficient access rights).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The directory could not be reached after the retries.</summary>
    public const string DirectoryUnavailable = "directory-unavailable";

    /// <summary>The HSM could not be used after the retries.</summary>
    public const string HsmUnavailable = "hsm-unavailable";

    /// <summary>A fault of the worker itself; the message says no more than is safe.</summary>
    public const string InternalError = "internal-error";

    /// <summary>The broker did not confirm what the worker published (results, notices, retries), after the last attempt.</summary>
    public const string BrokerUnavailable = "broker-unavailable";

    /// <summary>The directory refused the write for good (schema or constraint violation); the message names the LDAP result.</summary>
    public const string DirectoryRejected = "directory-rejected";

    /// <summary>The HSM refused the operation for good (mechanism, key or configuration); retrying cannot help.</summary>
    public const string HsmError = "hsm-error";

    /// <summary>The producer reused a request id the worker already completed for it with a different body; nothing was done.</summary>
    public const string RequestIdConflict = "request-id-conflict";

    /// <summary>
    /// The token was written but the broker returned its delivery notice: no queue is bound to the
    /// notices exchange with the request's channel (the hand-off service is missing or restarting).
    /// Transient; after the last attempt the request fails with this code.
    /// </summary>
    public const string NoticeUnroutable = "notice-unroutable";

    /// <summary>
    /// The broker itself dead-lettered the request after it was delivered <c>x-delivery-limit</c> times
    /// (workers crashed or handed it back each time); no attempt finished.
    /// </summary>
    public const string DeliveryLimitReached = "delivery-limit-reached";

    /// <summary>
    /// The request asked for a token lifetime (<c>lifetimeSeconds</c>) longer than the worker's
    /// <c>Token:MaxLifetime</c>: the requester's fault, permanent, nothing written.
    /// </summary>
    public const string LifetimeTooLong = "lifetime-too-long";

    /// <summary>Every code above, for documentation, validation and tests.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        InvalidRequest, UnknownUid, AmbiguousUid, UnknownSerial, UnknownChannel,
        Forbidden, DirectoryUnavailable, HsmUnavailable, InternalError,
        BrokerUnavailable, DirectoryRejected, HsmError, NoticeUnroutable, DeliveryLimitReached,
        RequestIdConflict, LifetimeTooLong,
    ];

    /// <summary>True when <paramref name="code"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string? code) => code is not null && All.Contains(code, StringComparer.Ordinal);
}
