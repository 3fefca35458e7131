using System.Collections.Concurrent;
using System.DirectoryServices.Protocols;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// A bounded pool of bound connections. Each operation gets a connection to itself (libldap
/// handles are not meant to be driven by two threads at once) and runs its blocking S.DS.P calls
/// on a thread-pool thread; the pool's bound (<c>Directory:MaxConnections</c>) also bounds how
/// many threads block.
/// Why synchronous calls: S.DS.P's BeginSendRequest on Linux polls ldap_result with Task.Delay
/// backoff (1 ms doubling to 100 ms), which adds latency to every operation for no gain.
/// Why a watchdog: S.DS.P 10 on Linux x64 passes its request timeout to ldap_result as two 32-bit
/// ints where libldap reads a 64-bit struct timeval, so libldap waits for whatever the next bytes
/// say (observed: poll() with 8,590,934 ms for a 1 s timeout). A hung server would block a call
/// for hours. So the pool bounds each operation by <c>Directory:OperationTimeout</c> itself: on
/// expiry the caller gets Unavailable (85); the blocked call keeps its connection and its pool
/// slot until libldap returns, then the connection is closed, never reused. Blocked threads thus
/// never exceed MaxConnections, and a caller waiting longer than OperationTimeout for a slot is
/// told the directory is unavailable instead of queueing forever. The same holds for connecting
/// and binding (<c>Directory:ConnectTimeout</c>), which libldap does without any timeout here.
/// A connection that fails at the connection level (server down, TLS/decoding errors) is dropped
/// with every idle one (the server went away: they are stale too); an operation that hit a stale
/// pooled connection gets one retry on a fresh one. Operations given to the pool must be safe to
/// repeat (they re-read the state they change).
/// </summary>
internal sealed class LdapConnectionPool : IDisposable
{
    private readonly LdapConnectionFactory _factory;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _operationTimeout;
    private readonly int _maxConnections;
    private readonly string _bindDn;
    private readonly ILogger _logger;
    private readonly ConcurrentStack<LdapConnection> _idle = new();
    private readonly Lock _recycling = new();
    private SemaphoreSlim _slots;
    private int _abandoned;
    private int _recycles;
    private volatile bool _disposed;

    public LdapConnectionPool(LdapConnectionFactory factory, DirectoryOptions options, ILogger logger)
    {
        _factory = factory;
        _connectTimeout = options.ConnectTimeout;
        _operationTimeout = options.OperationTimeout;
        _maxConnections = options.MaxConnections;
        _bindDn = options.BindDn;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
    }

    /// <summary>Connections currently idle in the pool (for tests and diagnostics).</summary>
    public int IdleCount => _idle.Count;

    /// <summary>Calls abandoned after OperationTimeout that libldap has not returned from yet (each holds a thread and a connection).</summary>
    public int AbandonedCalls => Volatile.Read(ref _abandoned);

    /// <summary>
    /// Most calls that may be stuck at once before the process should be restarted: one full set of
    /// slots may be recycled (below), a second full set stuck means libldap is not coming back.
    /// </summary>
    public int AbandonedLimit => 2 * _maxConnections;

    /// <summary>Runs <paramref name="operation"/> on a connection of its own, bounded by <c>Directory:OperationTimeout</c>.</summary>
    public async Task<T> RunAsync<T>(Func<LdapConnection, T> operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // The slots of this call: a recycle (below) gives later calls new ones, and a stuck call
        // gives back to the set it came from.
        var slots = Volatile.Read(ref _slots);
        if (!await slots.WaitAsync(_operationTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new DirectoryException(DirectoryFailure.Unavailable,
                $"All {_maxConnections} connections to {_factory.Endpoint} stayed busy for {Seconds(_operationTimeout)} "
                + $"({DirectoryOptions.SectionName}:MaxConnections, {DirectoryOptions.SectionName}:OperationTimeout): the server is slow or not answering.",
                ldapResultCode: LdapResultCodes.Timeout);
        }
        // Whoever ends up owning the slot releases it: normally this method, or the continuation
        // of a call that outlived its timeout.
        var slotOwned = new StrongBox<bool>(true);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var (connection, reused) = await AcquireAsync(slots, slotOwned, cancellationToken).ConfigureAwait(false);
                // Not cancellable once started: libldap's call cannot be interrupted, and the
                // connection must not go back to the pool while a call is still running on it.
                var call = Task.Run(() => operation(connection), CancellationToken.None);
                try
                {
                    var result = await call.WaitAsync(_operationTimeout, CancellationToken.None).ConfigureAwait(false);
                    Return(connection);
                    return result;
                }
                catch (TimeoutException e)
                {
                    slotOwned.Value = false;
                    Interlocked.Increment(ref _abandoned);
                    var ended = call.ContinueWith(finished =>
                    {
                        _ = finished.Exception;
                        connection.Dispose();
                        slots.Release();
                        if (Interlocked.Decrement(ref _abandoned) == 0) Interlocked.Exchange(ref _recycles, 0);
                    }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                    DirectoryLog.Timeout(_logger, _factory.Endpoint.ToString(), _operationTimeout);
                    RecycleIfWedged(slots);
                    // The caller learns the call may still write (a search-then-modify can land its
                    // modify late), so that it keeps the entry's turn until the call really ends.
                    throw new DirectoryException(DirectoryFailure.Unavailable,
                        $"The LDAP server {_factory.Endpoint} did not answer within {Seconds(_operationTimeout)} ({DirectoryOptions.SectionName}:OperationTimeout).",
                        ldapResultCode: LdapResultCodes.Timeout, innerException: e)
                    {
                        StillRunning = ended,
                    };
                }
                catch (Exception e) when (LdapFailures.ResultCode(e) is { } code && LdapResultCodes.BreaksConnection(code))
                {
                    connection.Dispose();
                    DrainIdle();
                    if (reused && attempt == 0)
                    {
                        DirectoryLog.ConnectionLost(_logger, _factory.Endpoint.ToString(), code);
                        continue;
                    }
                    throw;
                }
                catch
                {
                    // The server answered (an error result, or the operation's own verdict): the connection is fine.
                    Return(connection);
                    throw;
                }
            }
        }
        finally
        {
            if (slotOwned.Value) slots.Release();
        }
    }

    /// <summary>
    /// When every slot of <paramref name="slots"/> is held by a call abandoned after its timeout, no
    /// call can run until libldap returns, which may be hours (see above). Later calls then get a
    /// fresh set of slots, once: the stuck calls keep their threads and connections and give back to
    /// their old set. A second set stuck as well is past <see cref="AbandonedLimit"/>: liveness
    /// fails and the process is restarted, which is what ends calls libldap never returns from.
    /// </summary>
    private void RecycleIfWedged(SemaphoreSlim slots)
    {
        lock (_recycling)
        {
            if (!ReferenceEquals(slots, _slots) || slots.CurrentCount > 0 || _recycles > 0) return;
            if (Volatile.Read(ref _abandoned) < _maxConnections) return;
            _recycles++;
            Volatile.Write(ref _slots, new SemaphoreSlim(_maxConnections, _maxConnections));
            DirectoryLog.PoolRecycled(_logger, _factory.Endpoint.ToString(), _maxConnections);
        }
    }

    private void Return(LdapConnection connection)
    {
        if (_disposed) connection.Dispose();
        else _idle.Push(connection);
    }

    private async Task<(LdapConnection Connection, bool Reused)> AcquireAsync(SemaphoreSlim slots, StrongBox<bool> slotOwned, CancellationToken cancellationToken)
    {
        if (_idle.TryPop(out var idle)) return (idle, true);
        var opening = Task.Run(Open, CancellationToken.None);
        try
        {
            return (await opening.WaitAsync(_connectTimeout, cancellationToken).ConfigureAwait(false), false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The blocked connect/bind finishes (or fails) later: it keeps the slot until then and
            // closes what it opened.
            slotOwned.Value = false;
            _ = opening.ContinueWith(finished =>
            {
                if (finished.IsCompletedSuccessfully) finished.Result.Dispose();
                else _ = finished.Exception;
                slots.Release();
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            if (e is OperationCanceledException) throw;
            throw new DirectoryException(DirectoryFailure.Unavailable,
                $"Connecting to {_factory.Endpoint} and binding as '{_bindDn}' did not finish within {Seconds(_connectTimeout)} ({DirectoryOptions.SectionName}:ConnectTimeout).",
                ldapResultCode: LdapResultCodes.Timeout, innerException: e);
        }
    }

    private LdapConnection Open()
    {
        try
        {
            return _factory.Open();
        }
        catch (DirectoryOperationException e) when (e.Response is null)
        {
            // S.DS.P reports a refused bind as DirectoryOperationException without a response (so
            // without the result code); its message is the code's text, e.g. "The supplied credential is invalid."
            throw new DirectoryException(DirectoryFailure.AuthenticationFailed,
                $"Binding to {_factory.Endpoint} as '{_bindDn}' was refused: {e.Message}", _bindDn, innerException: e);
        }
        catch (InvalidOperationException e)
        {
            // SecretFile: the password file is missing, empty or unreadable (its message names the key).
            throw new DirectoryException(DirectoryFailure.Misconfigured, e.Message, innerException: e);
        }
        catch (Exception e) when (e is LdapException or DirectoryOperationException)
        {
            var failure = LdapFailures.Classify(e, $"Connecting to {_factory.Endpoint} and binding as '{_bindDn}'", null, DirectoryFailure.Misconfigured);
            if (failure.LdapResultCode is LdapResultCodes.ServerDown or LdapResultCodes.ConnectError && _factory.TlsFailureHint is { } hint)
                throw new DirectoryException(failure.Kind, $"{failure.Message} {hint}", failure.Dn, failure.LdapResultCode, e);
            if (failure.Kind != DirectoryFailure.AuthenticationFailed) throw failure;
            // Name the settings an operator has to fix (never the password itself).
            throw new DirectoryException(failure.Kind,
                $"{failure.Message} Check {DirectoryOptions.SectionName}:BindDn and the password in {DirectoryOptions.SectionName}:BindPasswordFile.",
                failure.Dn, failure.LdapResultCode, e);
        }
    }

    private void DrainIdle()
    {
        while (_idle.TryPop(out var stale)) stale.Dispose();
    }

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds:0.#} s";

    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }
}
