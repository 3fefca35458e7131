using System.Collections.Concurrent;
using System.DirectoryServices.Protocols;
using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Directory;

/// <summary>
/// A bounded pool of bound connections. Each operation gets a connection to itself (libldap
/// handles are not meant to be driven by two threads at once) and runs its blocking S.DS.P calls
/// on a thread-pool thread; the pool's bound (<c>Directory:MaxConnections</c>) also bounds how
/// many threads block.
/// Why synchronous calls: S.DS.P's BeginSendRequest on Linux polls ldap_result with Task.Delay
/// backoff (1 ms doubling to 100 ms), which adds up to tens of milliseconds to every operation;
/// SendRequest waits in libldap and returns as soon as the answer is there.
/// A connection that fails at the connection level (server down, timeout, TLS/decoding errors) is
/// dropped with every idle one (the server went away: they are stale too); an operation that hit a
/// stale pooled connection gets one retry on a fresh one. Operations given to the pool must be
/// safe to repeat (they re-read the state they change).
/// </summary>
internal sealed class LdapConnectionPool : IDisposable
{
    private readonly LdapConnectionFactory _factory;
    private readonly TimeSpan _connectTimeout;
    private readonly string _bindDn;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentStack<LdapConnection> _idle = new();
    private volatile bool _disposed;

    public LdapConnectionPool(LdapConnectionFactory factory, DirectoryOptions options, ILogger logger)
    {
        _factory = factory;
        _connectTimeout = options.ConnectTimeout;
        _bindDn = options.BindDn;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
    }

    /// <summary>Connections currently idle in the pool (for tests and diagnostics).</summary>
    public int IdleCount => _idle.Count;

    /// <summary>Runs <paramref name="operation"/> on a connection of its own.</summary>
    public async Task<T> RunAsync<T>(Func<LdapConnection, T> operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var (connection, reused) = await AcquireAsync(cancellationToken).ConfigureAwait(false);
                var healthy = true;
                try
                {
                    // Not cancellable once started: libldap's call cannot be interrupted, and the
                    // connection must not go back to the pool while a call is still running on it.
                    return await Task.Run(() => operation(connection), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (LdapFailures.ResultCode(e) is { } code && LdapResultCodes.BreaksConnection(code))
                {
                    healthy = false;
                    DrainIdle();
                    if (reused && attempt == 0)
                    {
                        _logger.LogWarning("LDAP connection to {Endpoint} was lost (LDAP result {Code}); reconnecting", _factory.Endpoint, code);
                        continue;
                    }
                    throw;
                }
                finally
                {
                    if (healthy && !_disposed) _idle.Push(connection);
                    else connection.Dispose();
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<(LdapConnection Connection, bool Reused)> AcquireAsync(CancellationToken cancellationToken)
    {
        if (_idle.TryPop(out var idle)) return (idle, true);
        var opening = Task.Run(Open, CancellationToken.None);
        try
        {
            return (await opening.WaitAsync(_connectTimeout, cancellationToken).ConfigureAwait(false), false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The blocked connect/bind finishes (or fails) later: close what it opens.
            _ = opening.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            if (e is OperationCanceledException) throw;
            throw new DirectoryException(DirectoryFailure.Unavailable,
                $"Connecting to {_factory.Endpoint} and binding as '{_bindDn}' did not finish within {_connectTimeout.TotalSeconds:0.#} s ({DirectoryOptions.SectionName}:ConnectTimeout).",
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
            throw LdapFailures.Classify(e, $"Connecting to {_factory.Endpoint} and binding as '{_bindDn}'", null, DirectoryFailure.Misconfigured);
        }
    }

    private void DrainIdle()
    {
        while (_idle.TryPop(out var stale)) stale.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }
}
