using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using SharedSecretWorker.Common;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>
/// At most <c>Hsm:MaxSessions</c> work sessions shared by all threads, over one login for the
/// process. PKCS#11 login state belongs to the application, not the session (C_Logout on any
/// session logs all out), so the pool logs in once, on its anchor session, and never logs out.
/// Session and device failures discard the affected sessions and, when the login or anchor is
/// gone, the whole connection; the call fails as <see cref="HsmUnavailableException"/> and the
/// next one reconnects. Split by concern: this file the pool itself, <c>.Connection</c> the slot,
/// login and anchor session, <c>.Recycling</c> the module re-initialisation.
/// </summary>
internal sealed partial class Pkcs11SessionPool : IDisposable
{
    private readonly HsmOptions _options;
    private readonly IssuanceProtectionKey? _fileKey;
    private readonly ILogger _logger;
    private readonly Pkcs11Module _module;
    private readonly SemaphoreSlim _permits;
    private readonly ConcurrentBag<Pkcs11PooledSession> _idle = [];
    private readonly Lock _connectionLock = new();
    private Pkcs11Connection? _connection;

    /// <summary>
    /// The certificate digest of the key tokens are wrapped with: the connected key's (it may come
    /// from a certificate object on the token), else the configured file's; null before the first
    /// connection when no file is configured.
    /// </summary>
    internal string? WrappedTo => Volatile.Read(ref _connection)?.Key.CertificateSha256 ?? _fileKey?.CertificateSha256;
    private int _generation;
    private int _openSessions;
    private int _peakOpenSessions;
    private long _operations;
    private bool _everConnected;
    private volatile bool _reinitializeModule;
    private long _operationsSinceInitialize;
    // Set while a planned re-initialisation waits for the calls inside the module to finish: new
    // calls wait for it instead of taking the sessions that free up (SemaphoreSlim lets a new
    // WaitAsync take a released permit before a woken waiter does, so the recycler could starve).
    private TaskCompletionSource? _recycling;
    // Re-initialisations since the token was last reachable: an outage is logged once when it
    // begins and once when it ends, not at every probe of the circuit breaker in between.
    private int _outageReinitializations;
    private long _outageStarted;
    private readonly Lock _reinitializeLock = new();
    // The PIN file content the token last refused (guarded by _connectionLock, where Login runs),
    // hashed with a key of this process only.
    private readonly byte[] _pinIdentityKey = RandomNumberGenerator.GetBytes(32);
    private byte[]? _refusedPin;
    private CKR _refusedPinCode;
    private bool _disposed;

    public Pkcs11SessionPool(HsmOptions options, IssuanceProtectionKey? fileKey, ILogger logger)
    {
        _options = options;
        _fileKey = fileKey;
        _logger = logger;
        _module = Pkcs11Module.Acquire(options.Library);
        _permits = new SemaphoreSlim(options.MaxSessions, options.MaxSessions);
    }

    /// <summary>Pkcs11Interop's factories of the shared module.</summary>
    public Pkcs11InteropFactories Factories => _module.Factories;

    /// <summary>How many times the connection was (re)built; for tests and logs.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Work sessions open now (the anchor not counted).</summary>
    public int OpenSessions => Volatile.Read(ref _openSessions);

    /// <summary>Operations run on the HSM so far (successful or not).</summary>
    public long Operations => Interlocked.Read(ref _operations);

    /// <summary>Most work sessions ever open at once; never above <c>Hsm:MaxSessions</c>.</summary>
    public int PeakOpenSessions => Volatile.Read(ref _peakOpenSessions);

    /// <summary>
    /// Runs <paramref name="operation"/> on a free session, waiting up to <c>Hsm:SessionWaitTimeout</c>.
    /// The operation is synchronous (PKCS#11 calls block); <paramref name="what"/> names it in errors.
    /// </summary>
    public async ValueTask<T> RunAsync<T>(Func<ISession, Pkcs11Connection, T> operation, string what, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _recycling) is { } recycling)
        {
            try
            {
                await recycling.Task.WaitAsync(_options.SessionWaitTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new HsmUnavailableException(
                    $"The PKCS#11 module was being re-initialised (Hsm:ReinitializeAfterOperations) for longer than {_options.SessionWaitTimeout} (Hsm:SessionWaitTimeout) before {what}.");
            }
        }
        if (!await _permits.WaitAsync(_options.SessionWaitTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new HsmUnavailableException(
                $"No HSM session became free within {_options.SessionWaitTimeout} (Hsm:MaxSessions={_options.MaxSessions}, Hsm:SessionWaitTimeout) for {what}.");
        }
        try
        {
            return Run(operation, what);
        }
        finally
        {
            _permits.Release();
        }
    }

    /// <summary>
    /// Test hook: C_CloseAllSessions on the token's slot, as a device reset or another thread of the
    /// application would; invalidates the anchor, the login and every pooled session handle.
    /// </summary>
    internal void CloseAllSessionsOnSlot()
    {
        Pkcs11Connection? connection;
        lock (_connectionLock) connection = _connection;
        connection?.Slot.CloseAllSessions();
    }

    /// <summary>
    /// Closes the sessions and finalizes the module once every call has left it. Jobs abandoned at
    /// shutdown may still be inside a PKCS#11 call: C_Finalize under them is undefined behaviour
    /// (PKCS#11 v2.40, 5.4: the application must not call C_Finalize while other threads are
    /// making calls). So every session permit is taken back first, for at most
    /// Hsm:SessionWaitTimeout; if a call still has not returned, the module is left as it is (the
    /// process is ending) rather than finalized under it.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var allBack = HoldPermits(_options.MaxSessions) == _options.MaxSessions;
        while (_idle.TryTake(out var session)) Release(session, close: !session.Connection.HandlesInvalid);
        if (!allBack)
        {
            HsmLog.FinalizeSkipped(_logger, _options.Library, _options.SessionWaitTimeout);
            return;
        }
        lock (_connectionLock)
        {
            if (_connection is not null) CloseQuietly(_connection.Anchor);
            _connection = null;
        }
        _module.Dispose();
        _permits.Dispose();
    }

    private T Run<T>(Func<ISession, Pkcs11Connection, T> operation, string what)
    {
        Interlocked.Increment(ref _operations);
        if (_options.ReinitializeAfterOperations > 0 && Interlocked.Increment(ref _operationsSinceInitialize) > _options.ReinitializeAfterOperations)
            RecycleModule();
        if (_reinitializeModule) ReinitializeModule(what);
        var connection = Connect(what);
        Pkcs11PooledSession? session = null;
        try
        {
            session = Take(connection);
            var result = operation(session.Session, connection);
            _idle.Add(session);
            return result;
        }
        catch (Pkcs11Exception e)
        {
            // Any failure while the anchor is gone (login lost, sessions closed under us) is the
            // connection's fault, whatever code the module chose (SoftHSM2 answers C_GenerateKey with
            // CKR_FUNCTION_FAILED when the login vanishes mid-call).
            var anchor = Check(connection);
            var handleInvalid = anchor == Pkcs11AnchorState.HandleInvalid || e.RV is CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED;
            if (session is not null) Release(session, close: !handleInvalid);
            // A lost wrapping key (a session object of the anchor) also needs a new connection.
            if (anchor != Pkcs11AnchorState.Alive || e.RV is CKR.CKR_WRAPPING_KEY_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID)
            {
                Disconnect(connection, e.RV, anchor);
            }
            else if (!Pkcs11ReturnCodes.IsTransient(e.RV))
            {
                throw new TokenEngineException($"The HSM refused {what}: {e.RV} ({e.Method}).", e);
            }
            throw new HsmUnavailableException($"The HSM failed during {what}: {e.RV} ({e.Method}); the next call opens new sessions.", e);
        }
        catch (ObjectDisposedException e)
        {
            // Pkcs11Interop's library object was disposed under us: the module was re-initialised.
            if (session is not null) Release(session, close: false);
            Disconnect(connection, CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Pkcs11AnchorState.HandleInvalid);
            throw new HsmUnavailableException($"The PKCS#11 module was re-initialised during {what}; the next call opens new sessions.", e);
        }
        catch when (session is not null)
        {
            // Not a PKCS#11 failure (the operation refused its result): the session is still good.
            _idle.Add(session);
            throw;
        }
    }

    private Pkcs11PooledSession Take(Pkcs11Connection connection)
    {
        while (_idle.TryTake(out var pooled))
        {
            if (ReferenceEquals(pooled.Connection, connection)) return pooled;
            // Opened under a connection that no longer exists.
            Release(pooled, close: !pooled.Connection.HandlesInvalid);
        }
        // Read-only is enough: key generation, encryption, wrapping and C_CreateObject of session
        // objects are all allowed in an R/O user session (PKCS#11 v2.40 §5.6, session states).
        var session = new Pkcs11PooledSession(connection.Slot.OpenSession(SessionType.ReadOnly), connection);
        var open = Interlocked.Increment(ref _openSessions);
        int peak;
        while (open > (peak = Volatile.Read(ref _peakOpenSessions)) && Interlocked.CompareExchange(ref _peakOpenSessions, open, peak) != peak)
        {
        }
        return session;
    }

    private void Release(Pkcs11PooledSession session, bool close)
    {
        Interlocked.Decrement(ref _openSessions);
        if (close) CloseQuietly(session.Session);
        else Abandon(session.Session);
    }
}
