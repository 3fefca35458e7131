using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Processing;

/// <summary>How one attempt ended, with what the settlement needs to report it.</summary>
/// <param name="Kind">Outcome class, input of <see cref="SettlementPolicy"/>.</param>
/// <param name="Request">The parsed request, when the message was readable.</param>
/// <param name="Rejection">Why it was unreadable, when it was.</param>
/// <param name="Code">Stable error code (<see cref="ErrorCodes"/>) of a failure.</param>
/// <param name="Message">The failure in words: no secret, no token.</param>
public sealed record JobOutcome(OutcomeKind Kind, WorkRequest? Request, RequestRejection? Rejection, string? Code, string? Message)
{
    /// <summary>The entry DN the request addressed, when known.</summary>
    public string? Dn { get; init; }

    /// <summary>
    /// A dependency call this attempt abandoned after its timeout, which may still write to the target
    /// (<see cref="SharedSecretWorker.Directory.DirectoryException.StillRunning"/>): the target stays held until it ends.
    /// </summary>
    public Task? StillRunning { get; init; }

    /// <summary>
    /// Set when this attempt wrote a token to the directory but its delivery notice was not delivered
    /// (returned as unroutable, or not confirmed): the directory holds a token whose passphrase nobody
    /// received. The seam for restoring the entry's previous value when the request fails for good.
    /// </summary>
    public UndeliveredNotice? UndeliveredNotice { get; init; }

    /// <summary>The best-known request id.</summary>
    public string? RequestId => Request?.RequestId ?? Rejection?.RequestId;

    /// <summary>The best-known kind's wire name, or <c>unknown</c>.</summary>
    public string KindName => (Request?.Kind ?? Rejection?.Kind)?.ToWireName() ?? "unknown";

    public static JobOutcome Completed(WorkRequest request, string dn) => new(OutcomeKind.Completed, request, null, null, null) { Dn = dn };

    public static JobOutcome Duplicate(WorkRequest request) => new(OutcomeKind.Duplicate, request, null, null, null);

    public static JobOutcome Rejected(RequestRejection rejection) => new(OutcomeKind.PermanentFailure, null, rejection, rejection.Code, rejection.Message);

    public static JobOutcome Permanent(WorkRequest request, string code, string message, string? dn = null) =>
        new(OutcomeKind.PermanentFailure, request, null, code, message) { Dn = dn };

    public static JobOutcome Transient(WorkRequest request, string code, string message, string? dn = null) =>
        new(OutcomeKind.TransientFailure, request, null, code, message) { Dn = dn };

    public static JobOutcome Abandoned(WorkRequest? request) => new(OutcomeKind.Abandoned, request, null, null, null);

    public static JobOutcome Misrouted(WorkRequest request) => new(OutcomeKind.Misrouted, request, null, null, null);

    public static JobOutcome DeliveryLost(WorkRequest request) => new(OutcomeKind.DeliveryLost, request, null, null, null);
}
