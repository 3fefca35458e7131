using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// Where a watch resumes (docs/token-lifecycle.md, "Resuming"): a time before which every change
/// to the certificate records has been handled, by this worker or another. It lives in memory and,
/// when <c>Lifecycle:CheckpointEntry</c> is set, in the <c>description</c> of that entry, which
/// every worker reads when it starts watching and moves forward (never back). A catch-up starts at
/// the later of the two minus <c>Lifecycle:ClockMargin</c>; with neither, <c>Lifecycle:FirstCatchUp</c> ago.
/// </summary>
internal sealed class LifecycleCheckpoint
{
    private readonly ITokenLifecycleDirectory _directory;
    private readonly LifecycleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private DateTimeOffset? _reached;
    private DateTimeOffset? _saved;

    /// <summary>The entry failed for good (missing, not readable or writable): not written again until a resume reads it.</summary>
    private bool _entryFailed;

    public LifecycleCheckpoint(ITokenLifecycleDirectory directory, IOptions<LifecycleOptions> options, TimeProvider time, ILogger<LifecycleCheckpoint> logger)
    {
        _directory = directory;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The checkpoint this worker has reached (in memory).</summary>
    public DateTimeOffset? Reached => _reached;

    private string? Entry => string.IsNullOrWhiteSpace(_options.CheckpointEntry) ? null : _options.CheckpointEntry;

    /// <summary>Where the next catch-up starts.</summary>
    /// <exception cref="DirectoryException">The directory is unavailable (the watch could not start either).</exception>
    public async Task<DateTimeOffset> ResumeFromAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? stored = null;
        if (Entry is { } entry)
        {
            try
            {
                stored = await _directory.ReadCheckpointAsync(entry, cancellationToken).ConfigureAwait(false);
                _entryFailed = false;
            }
            catch (DirectoryException e) when (!e.IsTransient)
            {
                _entryFailed = true;
                LifecycleLog.CheckpointFailed(_logger, entry, "read", e.Message);
            }
        }
        var known = Later(_reached, stored);
        return known is { } checkpoint ? checkpoint - _options.ClockMargin : _time.GetUtcNow() - _options.FirstCatchUp;
    }

    /// <summary>Every change before <paramref name="checkpoint"/> has been handled (a later time only moves it forward).</summary>
    public void Reach(DateTimeOffset checkpoint) => _reached = Later(_reached, checkpoint);

    /// <summary>
    /// Writes the reached checkpoint to the entry when it moved since the last write; a failure is
    /// logged, not thrown. After a failure that waiting cannot cure (the entry is missing, or the bind
    /// may not write it) nothing more is written, and logged, until the next watch reads the entry again.
    /// </summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (Entry is not { } entry || _entryFailed || _reached is not { } reached || (_saved is { } saved && saved >= reached)) return;
        try
        {
            await _directory.AdvanceCheckpointAsync(entry, reached, cancellationToken).ConfigureAwait(false);
            _saved = reached;
        }
        catch (DirectoryException e)
        {
            _entryFailed = !e.IsTransient;
            LifecycleLog.CheckpointFailed(_logger, entry, "written", e.Message);
        }
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
