using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// The hosted service that removes used tokens (docs/token-lifecycle.md). Each watch:
/// <list type="number">
/// <item>registers a persistent search for certificate records added or modified
/// (<see cref="ITokenLifecycleDirectory.WatchAsync"/>), so nothing that changes from now on is missed;</item>
/// <item>catches up: every record the CA created or revoked since the checkpoint (minus the margin),
/// handled like a change: what was missed while no watch ran;</item>
/// <item>handles each change as it comes, one at a time, in the server's order; whenever nothing is
/// waiting and <c>Lifecycle:CheckpointInterval</c> has passed, probes the connection and moves the
/// checkpoint to the time everything received was handled.</item>
/// </list>
/// A lost connection or a directory that stays unavailable ends the watch; the next one starts
/// after a pause (doubling up to a minute) and catches up from the checkpoint. Handling a record
/// again is harmless, so overlap costs only reads.
/// </summary>
internal sealed class CertificateRecordWatcher : BackgroundService
{
    /// <summary>Attempts at one change while the directory is unavailable, before the watch starts over.</summary>
    public const int AttemptsPerChange = 3;

    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    private readonly ITokenLifecycleDirectory _directory;
    private readonly TokenConsumption _consumption;
    private readonly LifecycleCheckpoint _checkpoint;
    private readonly LifecycleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CertificateRecordWatcher(ITokenLifecycleDirectory directory, TokenConsumption consumption, LifecycleCheckpoint checkpoint,
        IOptions<LifecycleOptions> options, TimeProvider time, ILogger<CertificateRecordWatcher> logger)
    {
        _directory = directory;
        _consumption = consumption;
        _checkpoint = checkpoint;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WatchAsync(() => failures = 0, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = ReconnectDelay(failures);
                LifecycleLog.WatchInterrupted(_logger, e.Message, delay);
                try
                {
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary><c>Lifecycle:ReconnectDelay</c>, doubled for each failure in a row, at most a minute.</summary>
    internal TimeSpan ReconnectDelay(int failures)
    {
        var shift = Math.Min(failures - 1, 16);
        var ticks = Math.Min(LifecycleOptions.MaxReconnectDelay.Ticks, _options.ReconnectDelay.Ticks << shift);
        return TimeSpan.FromTicks(Math.Max(ticks, _options.ReconnectDelay.Ticks));
    }

    private async Task WatchAsync(Action watching, CancellationToken stoppingToken)
    {
        var since = await _checkpoint.ResumeFromAsync(stoppingToken).ConfigureAwait(false);
        var started = _time.GetUtcNow();
        var watch = await _directory.WatchAsync(_options.CertificateBase, stoppingToken).ConfigureAwait(false);
        await using (watch.ConfigureAwait(false))
        {
            var found = 0;
            await foreach (var record in watch.FindChangedSinceAsync(since, stoppingToken).ConfigureAwait(false))
            {
                await HandleAsync(new CertificateRecordChange(CertificateRecordChangeKind.Found, record), stoppingToken).ConfigureAwait(false);
                found++;
            }
            // Everything before the search was registered: caught up; everything after: the search's.
            _checkpoint.Reach(started);
            await _checkpoint.SaveAsync(stoppingToken).ConfigureAwait(false);
            watching();
            LifecycleLog.Watching(_logger, _options.CertificateBase, since, found);

            var saved = _time.GetUtcNow();
            while (true)
            {
                if (watch.TryNextChange(out var waiting))
                {
                    await HandleAsync(waiting!, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                // Nothing waiting: every change received so far has been handled.
                var now = _time.GetUtcNow();
                if (now - saved >= _options.CheckpointInterval)
                {
                    await watch.ProbeAsync(stoppingToken).ConfigureAwait(false);
                    _checkpoint.Reach(now);
                    await _checkpoint.SaveAsync(stoppingToken).ConfigureAwait(false);
                    saved = now;
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(_options.CheckpointInterval - (now - saved) is { Ticks: > 0 } left ? left : TimeSpan.Zero);
                CertificateRecordChange change;
                try
                {
                    change = await watch.NextChangeAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    continue;
                }
                await HandleAsync(change, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One change, tried again while the directory is unavailable; when it stays so, the watch ends
    /// (the catch-up of the next one sees the record again). A failure that waiting cannot cure
    /// (access refused, a value the server rejects) is logged and the change skipped.
    /// </summary>
    private async Task HandleAsync(CertificateRecordChange change, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _consumption.HandleAsync(change, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (DirectoryException e) when (!e.IsTransient)
            {
                LifecycleLog.ChangeFailed(_logger, change.Record.Dn, change.Kind.ToString(), e.Message);
                return;
            }
            catch (DirectoryException) when (attempt < AttemptsPerChange)
            {
                await Task.Delay(RetryPause, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
