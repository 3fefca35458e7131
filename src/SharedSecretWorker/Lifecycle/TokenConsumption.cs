using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// Decides what a certificate record means for the tokens in the directory, and removes the ones
/// it shows used (docs/token-lifecycle.md, "Used once"):
/// <list type="bullet">
/// <item>a record added (or found by the catch-up) whose <c>subjectName</c> names a user entry
/// under <c>Directory:PeopleBase</c>: the CA issued that user a certificate, so the enrollment token
/// the entry held before the record was created has been used. "Before" is read from the
/// directory's own clock: the entry's <c>modifyTimestamp</c> (the token's write is its last change,
/// unless something else changed the entry since) strictly earlier than the record's
/// <c>createTimestamp</c>, both in whole seconds. Anything else keeps the token: a re-enrollment
/// written after the certificate stays.</item>
/// <item>a record modified (or found) with <c>certStatus</c> REVOKED that holds <c>revShrTok:</c>
/// values: each is deleted, every other <c>metaInfo</c> value untouched.</item>
/// </list>
/// Every removal deletes the exact value read; the directory applies it atomically and refuses it
/// when the value is gone, so among several workers one succeeds, and only that one publishes the
/// <c>KIND.consumed</c> event. Handling a record twice changes nothing the second time.
/// </summary>
internal sealed class TokenConsumption
{
    private readonly ITokenLifecycleDirectory _directory;
    private readonly ITokenEventPublisher _events;
    private readonly string _peopleBase;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TokenConsumption(ITokenLifecycleDirectory directory, ITokenEventPublisher events, IOptions<DirectoryOptions> directoryOptions, TimeProvider time,
        ILogger<TokenConsumption> logger)
    {
        _directory = directory;
        _events = events;
        _peopleBase = directoryOptions.Value.PeopleBase;
        _time = time;
        _logger = logger;
    }

    /// <summary>Handles one record: the enrollment check for records added or found, the revocation check for records modified or found.</summary>
    /// <exception cref="DirectoryException">The directory failed; handling the record again later is safe.</exception>
    public async Task<IReadOnlyList<ConsumptionOutcome>> HandleAsync(CertificateRecordChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var outcomes = new List<ConsumptionOutcome>();
        if (change.Kind is CertificateRecordChangeKind.Added or CertificateRecordChangeKind.Found)
            outcomes.Add(await EnrollmentAsync(change.Record, cancellationToken).ConfigureAwait(false));
        if (change.Kind is CertificateRecordChangeKind.Modified or CertificateRecordChangeKind.Found)
            outcomes.AddRange(await RevocationAsync(change.Record, cancellationToken).ConfigureAwait(false));
        return outcomes;
    }

    private async Task<ConsumptionOutcome> EnrollmentAsync(CertificateRecord record, CancellationToken cancellationToken)
    {
        // Cheap first: most records of a CA are not for entries under the people base.
        if (!EntryDn.IsBelow(record.SubjectName, _peopleBase)) return ConsumptionOutcome.NotAUser;
        var holder = await _directory.ReadTokenHolderAsync(record.SubjectName!, cancellationToken).ConfigureAwait(false);
        if (holder is null || !EntryDn.IsBelow(holder.Dn, _peopleBase)) return ConsumptionOutcome.NotAUser;
        if (holder.Token is not { } token) return ConsumptionOutcome.NoToken;

        var digest = TokenDigest.Sha256Hex(token);
        // The directory's clock on both sides; the CA's dateOfCreate only when createTimestamp is not readable.
        var created = record.CreatedAt ?? record.DateOfCreate;
        if (created is null || holder.ModifiedAt is null)
        {
            LifecycleLog.Undecided(_logger, holder.Dn, digest, record.Dn,
                holder.ModifiedAt is null ? "the entry's modifyTimestamp" : "the record's createTimestamp and dateOfCreate");
            return ConsumptionOutcome.Undecided;
        }
        if (WholeSeconds(holder.ModifiedAt.Value) >= WholeSeconds(created.Value))
        {
            LifecycleLog.Kept(_logger, holder.Dn, digest, holder.ModifiedAt.Value, record.Dn, created.Value);
            return ConsumptionOutcome.Kept;
        }

        if (!await _directory.RemoveEnrollmentTokenAsync(holder, cancellationToken).ConfigureAwait(false))
        {
            LifecycleLog.AlreadyRemoved(_logger, RequestKindNames.Enrollment, digest, holder.Dn);
            return ConsumptionOutcome.AlreadyRemoved;
        }
        var serial = SerialOf(record);
        LifecycleLog.Consumed(_logger, RequestKindNames.Enrollment, digest, holder.Dn, serial, record.Dn);
        // The request is known when the token's own metadata stands beside it (tokens written before lifetimes have none).
        var metadata = holder.Metadata;
        await PublishAsync(TokenConsumedEvent.Enrollment(digest, holder.Dn, holder.Uid, serial, record.Dn, record.CreatedAt, _time.GetUtcNow())
            with { RequestId = metadata?.RequestId, BatchId = metadata?.BatchId }, cancellationToken).ConfigureAwait(false);
        return ConsumptionOutcome.Consumed;
    }

    private async Task<IReadOnlyList<ConsumptionOutcome>> RevocationAsync(CertificateRecord record, CancellationToken cancellationToken)
    {
        if (!record.IsRevoked) return [ConsumptionOutcome.NotRevoked];
        if (record.RevocationTokenValues.Count == 0) return [ConsumptionOutcome.NoToken];
        var outcomes = new List<ConsumptionOutcome>();
        foreach (var value in record.RevocationTokenValues)
        {
            var digest = TokenDigest.Sha256Hex(CertificateRecord.TokenOf(value));
            var metadata = record.InfoFor(digest);
            if (!await _directory.RemoveRevocationTokenAsync(record.Dn, value, InfoValuesToRemove(record, digest), cancellationToken).ConfigureAwait(false))
            {
                LifecycleLog.AlreadyRemoved(_logger, RequestKindNames.Revocation, digest, record.Dn);
                outcomes.Add(ConsumptionOutcome.AlreadyRemoved);
                continue;
            }
            var serial = SerialOf(record);
            LifecycleLog.Consumed(_logger, RequestKindNames.Revocation, digest, record.Dn, serial, record.Dn);
            await PublishAsync(TokenConsumedEvent.Revocation(digest, serial, record.Dn, record.RevokedOn, _time.GetUtcNow())
                with { RequestId = metadata?.RequestId, BatchId = metadata?.BatchId }, cancellationToken).ConfigureAwait(false);
            outcomes.Add(ConsumptionOutcome.Consumed);
        }
        return outcomes;
    }

    /// <summary>
    /// The <c>revShrTokInfo:</c> values removed with the token <paramref name="tokenSha256"/>: the lines that
    /// belong to it; with the record's only token, every line read (a line without its token is of no use,
    /// and would keep the record in every expiry sweep).
    /// </summary>
    internal static IReadOnlyList<string> InfoValuesToRemove(CertificateRecord record, string tokenSha256) =>
        record.RevocationTokenValues.Count <= 1
            ? record.RevocationTokenInfoValues
            : record.RevocationTokenInfoValues.Where(v => TokenMetadata.ParseMetaInfo(v)?.TokenSha256 == tokenSha256).ToList();

    private Task PublishAsync(TokenConsumedEvent consumed, CancellationToken cancellationToken) =>
        LifecycleEvents.PublishUntilConfirmedAsync(ct => _events.PublishConsumedAsync(consumed, ct), consumed.RoutingKey(), consumed.TokenSha256,
            consumed.Dn, consumed.Serial, _time, _logger, cancellationToken);

    private static string SerialOf(CertificateRecord record) =>
        string.IsNullOrEmpty(record.Serial) ? EntryDn.Parse(record.Dn)?[0].Split('=', 2)[1] ?? record.Dn : record.Serial;

    private static long WholeSeconds(DateTimeOffset value) => value.ToUnixTimeSeconds();
}
