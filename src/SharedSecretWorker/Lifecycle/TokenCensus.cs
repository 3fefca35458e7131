using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// Counts every token in the directory each <c>Lifecycle:CensusInterval</c> for the gauges
/// <c>shrtok.tokens.outstanding</c>, <c>.overdue</c> and <c>.unrecorded</c> (docs/token-lifecycle.md,
/// "Outstanding tokens"): what a dashboard shows and what the overdue-token alert fires on. Every worker
/// counts the same directory, so the gauges agree across workers (dashboards take their max). A failed
/// count is the worker's own fault or the directory's: it is logged once per streak, the gauges keep
/// the last count, and nothing else waits for it.
/// </summary>
internal sealed class TokenCensus : BackgroundService
{
    private readonly IOutstandingTokenReader _reader;
    private readonly LifecycleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TokenCensus> _logger;

    public TokenCensus(IOutstandingTokenReader reader, IOptions<LifecycleOptions> options, TimeProvider time, ILogger<TokenCensus> logger)
    {
        _reader = reader;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read-only, and independent of the watcher (Lifecycle:Enabled): a site may watch elsewhere and still chart its tokens.
        if (_options.CensusInterval == TimeSpan.Zero) return;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var counts = await CountAsync(stoppingToken).ConfigureAwait(false);
                WorkerMetrics.TokenCensus(counts);
                failing = false;
            }
            catch (DirectoryException e)
            {
                if (!failing) LifecycleLog.CensusFailed(_logger, e.Message, _options.CensusInterval);
                failing = true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(_options.CensusInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over every token.</summary>
    public async Task<TokenCensusCounts> CountAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow();
        int enrollment = 0, revocation = 0, enrollmentOverdue = 0, revocationOverdue = 0, enrollmentUnrecorded = 0, revocationUnrecorded = 0;
        await foreach (var token in _reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var overdue = token.IsOverdueAt(now) ? 1 : 0;
            var unrecorded = token.Metadata is null ? 1 : 0;
            switch (token.Kind)
            {
                case RequestKind.Enrollment:
                    enrollment++;
                    enrollmentOverdue += overdue;
                    enrollmentUnrecorded += unrecorded;
                    break;
                case RequestKind.Revocation:
                    revocation++;
                    revocationOverdue += overdue;
                    revocationUnrecorded += unrecorded;
                    break;
                case RequestKind.Clear:
                    // A clear writes no token: the reader never lists one.
                    break;
                default:
                    throw new UnreachableException($"Request kind {token.Kind} is not handled.");
            }
        }
        LifecycleLog.CensusTaken(_logger, enrollment, revocation, enrollmentOverdue + revocationOverdue, enrollmentUnrecorded + revocationUnrecorded,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new TokenCensusCounts(enrollment, revocation, enrollmentOverdue, revocationOverdue, enrollmentUnrecorded, revocationUnrecorded, now);
    }
}
