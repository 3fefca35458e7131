using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;

namespace ShrTok.Reissuing;

/// <summary>
/// What <c>shrtok reissue</c> sends (docs/token-lifecycle.md, "Re-key"): every outstanding token whose
/// record says it was wrapped to the old certificate (and, with <c>--include-unrecorded</c>, every token with
/// no record, which may be), as enrollment and revocation rows of a bulk batch, each to the address the
/// holder's entry has in the address attribute. A token whose holder has no address is skipped and listed:
/// the worker keeps no address (the audit trail holds only its keyed digest), so the directory is the one
/// place a re-key can find one.
/// </summary>
internal sealed class ReissuePlan
{
    private ReissuePlan(List<ReissueRow> rows, List<ReissueSkip> skipped, int unrecorded)
    {
        Rows = rows;
        Skipped = skipped;
        Unrecorded = unrecorded;
    }

    public IReadOnlyList<ReissueRow> Rows { get; }

    public IReadOnlyList<ReissueSkip> Skipped { get; }

    /// <summary>Tokens with no record that were left out (without <c>--include-unrecorded</c>).</summary>
    public int Unrecorded { get; }

    public IEnumerable<ReissueRow> Of(RequestKind kind) => Rows.Where(r => r.Kind == kind);

    public static async Task<ReissuePlan> MakeAsync(IOutstandingTokenReader reader, string oldFingerprint, bool includeUnrecorded, string channel,
        string addressAttribute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<ReissueRow>();
        var skipped = new List<ReissueSkip>();
        var unrecorded = 0;
        var seen = new HashSet<(RequestKind, string)>();
        await foreach (var token in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (token.Metadata is null)
            {
                if (!includeUnrecorded)
                {
                    unrecorded++;
                    continue;
                }
            }
            else if (!string.Equals(token.Metadata.WrappedTo, oldFingerprint, StringComparison.Ordinal))
            {
                // Wrapped to another certificate (the new one already), or not recorded: not this re-key's.
                if (token.Metadata.WrappedTo is not null) continue;
                if (!includeUnrecorded)
                {
                    unrecorded++;
                    continue;
                }
            }
            var target = token.Kind switch
            {
                RequestKind.Enrollment => token.Uid,
                RequestKind.Revocation => token.Serial,
                RequestKind.Clear => null,
                _ => null,
            };
            if (target is null)
            {
                skipped.Add(new ReissueSkip(token.Kind, token.Dn, "the entry has no uid (or the record no serial)"));
                continue;
            }
            if (!seen.Add((token.Kind, target))) continue;
            if (token.HolderDn is not { } holder)
            {
                skipped.Add(new ReissueSkip(token.Kind, target, "the certificate record names no subject to send the passphrase to"));
                continue;
            }
            var address = await reader.ReadAttributeAsync(holder, addressAttribute, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(address))
            {
                skipped.Add(new ReissueSkip(token.Kind, target, $"'{holder}' has no {addressAttribute}"));
                continue;
            }
            rows.Add(new ReissueRow(token.Kind, target, channel, address.Trim(), token.TokenSha256));
        }
        return new ReissuePlan(rows, skipped, unrecorded);
    }
}
