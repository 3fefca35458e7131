using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// The expiry sweep (docs/token-lifecycle.md, "A lifetime"), a hosted service of every worker: every
/// <c>Lifecycle:ExpirySweepInterval</c> (with jitter) it searches the directory for tokens past their
/// <c>notAfter</c> and removes each with one modify that deletes the exact token value and the exact
/// metadata values read with it. The directory is the arbiter among workers, rewrites and the watcher:
/// a value gone (noSuchAttribute) means someone else got there first, and only the worker whose delete
/// succeeded publishes the <c>KIND.expired</c> event. A token whose metadata is missing or belongs to
/// another token (written by someone else) is never removed.
/// </summary>
internal sealed class TokenExpiry : BackgroundService
{
    /// <summary>Largest share of the interval added or taken at random, so that the workers' sweeps spread out.</summary>
    public const double Jitter = 0.1;

    /// <summary>Entries remembered as already reported by <see cref="LifecycleLog.InfoMismatch"/>; beyond it the memory starts over.</summary>
    private const int MaxReportedMismatches = 10_000;

    private const string EnrollmentAttributes = "shrTok, shrTokInfo and shrTokNotAfter on the user entries";
    private const string RevocationAttributes = "metaInfo (revShrTok, revShrTokInfo) on the certificate records";

    private readonly ITokenLifecycleDirectory _directory;
    private readonly ITokenEventPublisher _events;
    private readonly LifecycleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<string> _reportedMismatches = new(StringComparer.Ordinal);

    /// <summary>Phases (by the attributes they need) whose refusal is logged already; one sweep at a time touches it.</summary>
    private readonly HashSet<string> _forbidden = new(StringComparer.Ordinal);

    public TokenExpiry(ITokenLifecycleDirectory directory, ITokenEventPublisher events, IOptions<LifecycleOptions> options, TimeProvider time,
        ILogger<TokenExpiry> logger)
    {
        _directory = directory;
        _events = events;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(NextDelay(_options.ExpirySweepInterval, Random.Shared.NextDouble()), _time, stoppingToken).ConfigureAwait(false);
                await SweepAsync(stoppingToken).ConfigureAwait(false);
                failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A worker-side fault never fails anything: the tokens stay until a later sweep. One
                // line per outage, not one per interval (a directory down for an hour would be 360).
                if (!failing) LifecycleLog.SweepFailed(_logger, e.Message, _options.ExpirySweepInterval);
                failing = true;
            }
        }
    }

    /// <summary>The interval with up to ±<see cref="Jitter"/> of it, <paramref name="random"/> in [0, 1).</summary>
    internal static TimeSpan NextDelay(TimeSpan interval, double random) =>
        TimeSpan.FromTicks((long)(interval.Ticks * (1 - Jitter + 2 * Jitter * random)));

    /// <summary>One sweep over the enrollment tokens, then the revocation tokens.</summary>
    /// <exception cref="DirectoryException">The directory failed; the next sweep tries again (insufficient access is logged here as an Error).</exception>
    public async Task<ExpirySweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var tally = new Tally();
        await RunPhaseAsync(EnrollmentAttributes, () => SweepEnrollmentAsync(tally, cancellationToken)).ConfigureAwait(false);
        await RunPhaseAsync(RevocationAttributes, () => SweepRevocationAsync(tally, cancellationToken)).ConfigureAwait(false);
        var result = new ExpirySweepResult(tally.Found, tally.Removed, tally.Gone, tally.Skipped);
        LifecycleLog.SweepDone(_logger, result.Found, result.Removed, result.Gone, result.Skipped, Stopwatch.GetElapsedTime(started));
        return result;
    }

    private async Task RunPhaseAsync(string attributes, Func<Task> phase)
    {
        try
        {
            await phase().ConfigureAwait(false);
            _forbidden.Remove(attributes);
        }
        catch (DirectoryException e) when (e.Kind is DirectoryFailure.Forbidden or DirectoryFailure.InsufficientAccess)
        {
            // Waiting cannot cure it: an Error that names what the rules must allow, once until the
            // rules change (not every interval). The other phase still runs.
            if (_forbidden.Add(attributes)) LifecycleLog.SweepForbidden(_logger, attributes, e.Message);
        }
    }

    private async Task SweepEnrollmentAsync(Tally tally, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var holder in InRandomOrder(await _directory.FindExpiredEnrollmentTokensAsync(now, cancellationToken).ConfigureAwait(false)))
        {
            if (holder.Token is not { } token) continue;
            var digest = TokenDigest.Sha256Hex(token);
            // The line must be the token's own: a token written by someone else beside a stale line is not ours to expire.
            if (holder.Metadata is not { } metadata)
            {
                tally.Skipped++;
                ReportMismatch(RequestKindNames.Enrollment, holder.Dn, digest);
                continue;
            }
            if (!metadata.IsExpiredAt(now))
            {
                tally.Skipped++;
                continue;
            }
            tally.Found++;
            if (!await _directory.RemoveEnrollmentTokenAsync(holder, cancellationToken).ConfigureAwait(false))
            {
                tally.Gone++;
                LifecycleLog.ExpiredAlreadyRemoved(_logger, RequestKindNames.Enrollment, digest, holder.Dn);
                continue;
            }
            tally.Removed++;
            LifecycleLog.Expired(_logger, RequestKindNames.Enrollment, digest, holder.Dn, metadata.RequestId, metadata.NotAfter!.Value);
            var expired = TokenExpiredEvent.Enrollment(digest, holder.Dn, holder.Uid, metadata.RequestId, metadata.BatchId, metadata.IssuedAt,
                metadata.NotAfter.Value, _time.GetUtcNow());
            await PublishAsync(expired, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SweepRevocationAsync(Tally tally, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var record in InRandomOrder(await _directory.FindRevocationTokenInfoAsync(_options.CertificateBase, cancellationToken).ConfigureAwait(false)))
        {
            foreach (var value in record.RevocationTokenValues)
            {
                var digest = TokenDigest.Sha256Hex(CertificateRecord.TokenOf(value));
                if (record.InfoFor(digest) is not { } metadata)
                {
                    tally.Skipped++;
                    ReportMismatch(RequestKindNames.Revocation, record.Dn, digest);
                    continue;
                }
                // The search cannot compare a time inside metaInfo: expiry is decided here.
                if (!metadata.IsExpiredAt(now)) continue;
                tally.Found++;
                if (!await _directory.RemoveRevocationTokenAsync(record.Dn, value, TokenConsumption.InfoValuesToRemove(record, digest), cancellationToken)
                    .ConfigureAwait(false))
                {
                    tally.Gone++;
                    LifecycleLog.ExpiredAlreadyRemoved(_logger, RequestKindNames.Revocation, digest, record.Dn);
                    continue;
                }
                tally.Removed++;
                LifecycleLog.Expired(_logger, RequestKindNames.Revocation, digest, record.Dn, metadata.RequestId, metadata.NotAfter!.Value);
                var serial = string.IsNullOrEmpty(record.Serial) ? EntryDn.Parse(record.Dn)?[0].Split('=', 2)[1] ?? record.Dn : record.Serial;
                var expired = TokenExpiredEvent.Revocation(digest, record.Dn, serial, metadata.RequestId, metadata.BatchId, metadata.IssuedAt,
                    metadata.NotAfter.Value, _time.GetUtcNow());
                await PublishAsync(expired, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The workers' sweeps find the same tokens in the same order; each taking them in an order of its
    /// own makes them share a large expiry (a bulk onboarding's week ending) instead of racing for the
    /// same token one after another.
    /// </summary>
    private static T[] InRandomOrder<T>(IReadOnlyList<T> found)
    {
        var order = found.ToArray();
        Random.Shared.Shuffle(order);
        return order;
    }

    private Task PublishAsync(TokenExpiredEvent expired, CancellationToken cancellationToken) =>
        LifecycleEvents.PublishUntilConfirmedAsync(ct => _events.PublishExpiredAsync(expired, ct), expired.RoutingKey(), expired.TokenSha256,
            expired.Dn, expired.Serial, _time, _logger, cancellationToken);

    /// <summary>Once per entry and token: the sweep finds the same token every time, and one line says it all.</summary>
    private void ReportMismatch(string kind, string dn, string digest)
    {
        if (_reportedMismatches.Count >= MaxReportedMismatches) _reportedMismatches.Clear();
        if (_reportedMismatches.Add(dn + " " + digest)) LifecycleLog.InfoMismatch(_logger, kind, dn, digest);
    }

    /// <summary>The counts of one sweep, kept across its two phases.</summary>
    private sealed class Tally
    {
        public int Found;
        public int Removed;
        public int Gone;
        public int Skipped;
    }
}
