using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Reissuing;

/// <summary>
/// One target of a re-key: the uid (enrollment) or serial (revocation) whose token was wrapped to the old
/// issuance protection certificate, and where its new passphrase goes.
/// </summary>
/// <param name="Kind">enrollment or revocation.</param>
/// <param name="Target">The uid, or the decimal serial.</param>
/// <param name="Channel">The delivery channel (<c>--channel</c>).</param>
/// <param name="Address">The address read from the holder's entry.</param>
/// <param name="TokenSha256">The old token's SHA-256, for the plan's listing.</param>
internal sealed record ReissueRow(RequestKind Kind, string Target, string Channel, string Address, string TokenSha256);
