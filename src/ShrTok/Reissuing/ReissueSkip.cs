using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Reissuing;

/// <summary>A token wrapped to the old certificate that the re-key cannot reissue by itself, and why (an operator reissues it by hand).</summary>
/// <param name="Kind">enrollment or revocation.</param>
/// <param name="Target">The uid, the serial, or the entry's DN when neither is known.</param>
/// <param name="Reason">What is missing.</param>
internal sealed record ReissueSkip(RequestKind Kind, string Target, string Reason);
