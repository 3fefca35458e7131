using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Auditing;

/// <summary>
/// What <c>shrtok audit</c> shows: records at or after <see cref="Since"/> (by the record's own time; the
/// stream's timestamp offset only starts near it, at the chunk that holds it), of one uid (folded as the
/// directory compares uids: <c>JDoe</c> is <c>jdoe</c>), one request id or one batch id (exactly).
/// </summary>
internal sealed record AuditFilter(DateTimeOffset? Since = null, string? Uid = null, string? RequestId = null, string? BatchId = null)
{
    public bool Matches(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Since is { } since && record.EventTime < since) return false;
        if (Uid is not null && (record.Uid is null || !UidMatching.SameUid(record.Uid, Uid))) return false;
        if (RequestId is not null && !string.Equals(record.RequestId, RequestId, StringComparison.Ordinal)) return false;
        if (BatchId is not null && !string.Equals(record.BatchId, BatchId, StringComparison.Ordinal)) return false;
        return true;
    }
}
