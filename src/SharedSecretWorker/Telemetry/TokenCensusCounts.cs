namespace SharedSecretWorker.Telemetry;

/// <summary>
/// One count of the tokens in the directory (docs/token-lifecycle.md, "Outstanding tokens"), per kind:
/// all of them, those past their expiry and still there, those with no record of issue.
/// </summary>
public sealed record TokenCensusCounts(
    int Enrollment,
    int Revocation,
    int EnrollmentOverdue,
    int RevocationOverdue,
    int EnrollmentUnrecorded,
    int RevocationUnrecorded,
    DateTimeOffset TakenAt);
