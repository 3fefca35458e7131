namespace SharedSecretWorker.Lifecycle;

/// <summary>What <see cref="TokenConsumption"/> made of a certificate record, per token considered.</summary>
public enum ConsumptionOutcome
{
    /// <summary>This worker removed the used token and published its <c>KIND.consumed</c> event.</summary>
    Consumed,

    /// <summary>The token was gone when this worker deleted it: another worker removed it, or a newer token replaced it.</summary>
    AlreadyRemoved,

    /// <summary>The entry changed at or after the record's creation: its token may be newer than the certificate, so it stays.</summary>
    Kept,

    /// <summary>A time needed to decide was missing; the token stays.</summary>
    Undecided,

    /// <summary>The subject is a user entry without a token, or the revoked record holds no revocation token.</summary>
    NoToken,

    /// <summary>The subject names no entry under <c>Directory:PeopleBase</c>.</summary>
    NotAUser,

    /// <summary>A modified record that is not revoked.</summary>
    NotRevoked,
}
