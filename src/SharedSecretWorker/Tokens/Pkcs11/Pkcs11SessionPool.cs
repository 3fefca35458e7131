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
/// next one reconnects.
/// </summary>
internal sealed class Pkcs11SessionPool : IDisposable
{
    private readonly HsmOptions _options;
    private readonly IssuanceProtectionKey? _fileKey;
    private readonly ILogger _logger;
    private readonly Pkcs11Module _module;
    private readonly SemaphoreSlim _permits;
    private readonly ConcurrentBag<Pkcs11PooledSession> _idle = [];
    private readonly Lock _connectionLock = new();
    private Pkcs11Connection? _connection;
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

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        while (_idle.TryTake(out var session)) Release(session, close: !session.Connection.HandlesInvalid);
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

    /// <summary>
    /// C_Finalize and C_Initialize the module after the token became unreachable, once no other
    /// call of this pool is inside it (all session permits held). Every handle of the old
    /// initialisation is abandoned.
    /// </summary>
    private void ReinitializeModule(string what)
    {
        if (!_reinitializeLock.TryEnter())
            throw new HsmUnavailableException($"The PKCS#11 module is being re-initialised; {what} is retried later.");
        var held = 0;
        try
        {
            held = HoldOtherPermits();
            if (held < _options.MaxSessions - 1)
                throw new HsmUnavailableException($"The PKCS#11 module could not be re-initialised: calls still running after {_options.SessionWaitTimeout}.");
            if (!_reinitializeModule) return;
            ResetModule();
            _reinitializeModule = false;
            if (Interlocked.Increment(ref _outageReinitializations) == 1)
            {
                Interlocked.Exchange(ref _outageStarted, System.Diagnostics.Stopwatch.GetTimestamp());
                HsmLog.Reinitialized(_logger, _options.Library, _options.TokenLabel);
            }
            else
            {
                HsmLog.ReinitializedAgain(_logger, _options.Library, _options.TokenLabel);
            }
        }
        finally
        {
            if (held > 0) _permits.Release(held);
            _reinitializeLock.Exit();
        }
    }

    /// <summary>
    /// The planned re-initialisation of <c>Hsm:ReinitializeAfterOperations</c>: like
    /// <see cref="ReinitializeModule"/> once no other call is inside the module, but a call that
    /// finds it under way simply goes on (with the module as it is) instead of failing.
    /// </summary>
    private void RecycleModule()
    {
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // One recycler at a time; an unplanned re-initialisation under way does the job anyway.
        if (Interlocked.CompareExchange(ref _recycling, barrier, null) is not null) return;
        if (!_reinitializeLock.TryEnter())
        {
            Volatile.Write(ref _recycling, null);
            barrier.SetResult();
            return;
        }
        var held = 0;
        try
        {
            held = HoldOtherPermits();
            var operations = Interlocked.Exchange(ref _operationsSinceInitialize, 0);
            // Calls kept a session busy for a whole wait: try again after another full interval,
            // not at the very next call.
            if (held < _options.MaxSessions - 1) return;
            ResetModule();
            HsmLog.Recycled(_logger, _options.Library, operations);
        }
        finally
        {
            if (held > 0) _permits.Release(held);
            _reinitializeLock.Exit();
            Volatile.Write(ref _recycling, null);
            barrier.SetResult();
        }
    }

    /// <summary>The caller holds one permit; takes the others so that no call is inside the module. Returns how many it got.</summary>
    private int HoldOtherPermits()
    {
        // One Hsm:SessionWaitTimeout for all of them, not one each.
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(_options.SessionWaitTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var held = 0;
        while (held < _options.MaxSessions - 1)
        {
            var left = TimeSpan.FromSeconds(Math.Max(0, deadline - System.Diagnostics.Stopwatch.GetTimestamp()) / (double)System.Diagnostics.Stopwatch.Frequency);
            if (!_permits.Wait(left)) break;
            held++;
        }
        return held;
    }

    /// <summary>C_Finalize and C_Initialize with every permit held: all handles of this pool are void afterwards.</summary>
    private void ResetModule()
    {
        var seen = _module.Current;
        lock (_connectionLock)
        {
            if (_connection is not null)
            {
                _connection.HandlesInvalid = true;
                _connection = null;
            }
        }
        while (_idle.TryTake(out var stale)) Release(stale, close: false);
        _module.Reinitialize(seen);
        // A fresh initialisation holds nothing yet, whichever path asked for it.
        Interlocked.Exchange(ref _operationsSinceInitialize, 0);
    }

    private Pkcs11Connection Connect(string what)
    {
        lock (_connectionLock)
        {
            if (_connection is not null)
            {
                if (ReferenceEquals(_connection.Library, _module.Current)) return _connection;
                // The module was finalized and initialised again (by this pool or anyone else in the
                // process): every handle of the old initialisation is void.
                _connection.HandlesInvalid = true;
                _connection = null;
            }
            ISession? anchor = null;
            try
            {
                var library = _module.Library;
                var slot = FindSlot(library);
                anchor = slot.OpenSession(SessionType.ReadOnly);
                Login(anchor);
                var (handle, key) = Pkcs11WrappingKeyLocator.Locate(anchor, Factories, _options.TokenLabel, _options.IssuanceProtectionKeyLabel, _fileKey);
                var generation = Interlocked.Increment(ref _generation);
                _connection = new Pkcs11Connection(library, slot, anchor, handle, key, generation);
                _everConnected = true;
                HsmLog.Connected(_logger, generation, _options.TokenLabel, key.Description);
                var reinitializations = Interlocked.Exchange(ref _outageReinitializations, 0);
                if (reinitializations > 0)
                {
                    HsmLog.Recovered(_logger, _options.TokenLabel, System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _outageStarted)).TotalSeconds, reinitializations);
                }
                return _connection;
            }
            catch (ObjectDisposedException e)
            {
                // Another pool of this process re-initialised the shared module while this one was
                // connecting: its library object is gone. The next call connects to the new one.
                if (anchor is not null) CloseQuietly(anchor);
                throw new HsmUnavailableException($"The PKCS#11 module was re-initialised while connecting for {what}; the next call connects again.", e);
            }
            catch (Pkcs11Exception e)
            {
                if (anchor is not null) CloseQuietly(anchor);
                if (Pkcs11ReturnCodes.IsTransient(e.RV) || e.RV == CKR.CKR_FUNCTION_FAILED)
                {
                    // The token was there before and cannot be reached now: the module may need a
                    // fresh C_Initialize to see it again (SoftHSM2 does, after its token directory
                    // went away and came back).
                    if (_everConnected) _reinitializeModule = true;
                    throw new HsmUnavailableException($"The HSM cannot be reached for {what}: {e.RV} ({e.Method}).", e);
                }
                throw new TokenEngineException($"The HSM refused the connection to token '{_options.TokenLabel}': {e.RV} ({e.Method}).", e);
            }
            catch (HsmUnavailableException)
            {
                if (anchor is not null) CloseQuietly(anchor);
                if (_everConnected) _reinitializeModule = true;
                throw;
            }
            catch
            {
                if (anchor is not null) CloseQuietly(anchor);
                throw;
            }
        }
    }

    private ISlot FindSlot(IPkcs11Library library)
    {
        var slots = library.GetSlotList(SlotsType.WithTokenPresent);
        var labels = new List<string>();
        Pkcs11Exception? unreadable = null;
        foreach (var slot in slots)
        {
            string label;
            try
            {
                label = slot.GetTokenInfo().Label.TrimEnd();
            }
            catch (Pkcs11Exception e)
            {
                // One broken slot must not hide the others; if ours is not found, this is the cause.
                unreadable = e;
                continue;
            }
            if (label == _options.TokenLabel) return slot;
            labels.Add(label);
        }
        if (unreadable is not null) throw unreadable;
        var message = $"Hsm:TokenLabel: the module '{_options.Library}' has no token labelled '{_options.TokenLabel}'"
            + (labels.Count == 0 ? " (no token present)." : $" (tokens present: {string.Join(", ", labels.Select(l => $"'{l}'"))}).");
        // Once connected, a missing token is a device coming and going; before, a configuration error.
        if (_everConnected) throw new HsmUnavailableException(message);
        throw new TokenEngineException(message);
    }

    private void Login(ISession anchor)
    {
        var pin = SecretFile.ReadBytes(_options.PinFile, "Hsm:PinFile");
        try
        {
            anchor.Login(CKU.CKU_USER, pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login state is per application: another pool or session of this process logged in already.
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED)
        {
            throw new TokenEngineException($"Hsm:PinFile: token '{_options.TokenLabel}' refused the user PIN ({e.RV}).", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
        }
    }

    private static Pkcs11AnchorState Check(Pkcs11Connection connection)
    {
        try
        {
            var state = connection.Anchor.GetSessionInfo().State;
            return state is CKS.CKS_RO_USER_FUNCTIONS or CKS.CKS_RW_USER_FUNCTIONS ? Pkcs11AnchorState.Alive : Pkcs11AnchorState.LoggedOut;
        }
        catch (Exception e) when (e is Pkcs11Exception or ObjectDisposedException)
        {
            return Pkcs11AnchorState.HandleInvalid;
        }
    }

    private void Disconnect(Pkcs11Connection connection, CKR cause, Pkcs11AnchorState anchor)
    {
        lock (_connectionLock)
        {
            if (anchor == Pkcs11AnchorState.HandleInvalid) connection.HandlesInvalid = true;
            if (!ReferenceEquals(_connection, connection)) return;
            _connection = null;
        }
        HsmLog.ConnectionLost(_logger, connection.Generation, _options.TokenLabel, cause.ToString(), anchor.ToString());
        if (anchor == Pkcs11AnchorState.HandleInvalid) Abandon(connection.Anchor);
        else CloseQuietly(connection.Anchor);
    }

    /// <summary>Forgets a session whose handle is no longer ours, without calling C_CloseSession on it.</summary>
    private static void Abandon(ISession session)
    {
        // Pkcs11Interop's Session closes its handle only in Dispose (its finalizer does not), so an
        // abandoned session is simply left to the garbage collector.
        _ = session;
    }

    private static void CloseQuietly(ISession session)
    {
        try
        {
            // Dispose closes the session (CloseWhenDisposed) and stops Pkcs11Interop from using the handle again.
            session.Dispose();
        }
        catch (Pkcs11Exception)
        {
            // Already closed or invalid: nothing left to release.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
