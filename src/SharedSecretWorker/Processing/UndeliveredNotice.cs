namespace SharedSecretWorker.Processing;

/// <summary>A token written to the directory whose delivery notice did not go out (see <see cref="JobOutcome.UndeliveredNotice"/>).</summary>
/// <param name="Dn">The entry or certificate record that holds the token.</param>
/// <param name="TokenSha256">Lower-case hex SHA-256 of the token written, to tell whether the directory still holds this job's token.</param>
public sealed record UndeliveredNotice(string Dn, string TokenSha256);
