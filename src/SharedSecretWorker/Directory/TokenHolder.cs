namespace SharedSecretWorker.Directory;

/// <summary>A user's entry as the token lifecycle reads it: its enrollment token and when the entry last changed.</summary>
/// <param name="Dn">The entry's DN, as the server returned it.</param>
/// <param name="Uid">Its <c>uid</c>, when it has one.</param>
/// <param name="Token">The enrollment token (<c>Directory:EnrollmentTokenAttribute</c>), or null when it holds none.</param>
/// <param name="ModifiedAt">The entry's <c>modifyTimestamp</c> (directory clock, whole seconds): no earlier than the token's write.</param>
public sealed record TokenHolder(string Dn, string? Uid, string? Token, DateTimeOffset? ModifiedAt);
