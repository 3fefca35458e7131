using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using SharedSecretWorker.Common;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>Connection and login: finding the token's slot, the anchor session that holds the login, and losing it.</summary>
internal sealed partial class Pkcs11SessionPool
{
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

    /// <summary>
    /// C_Login with the PIN file's PIN, at most once per PIN file content: after the token refused a
    /// PIN (CKR_PIN_INCORRECT, CKR_PIN_LOCKED, ...) every later call, probes included, fails at once
    /// without calling C_Login until the file holds another PIN, so a rotated PIN never locks the
    /// token by repeated tries. Only a keyed hash of the refused file's content is kept.
    /// </summary>
    private void Login(ISession anchor)
    {
        var pin = SecretFile.ReadBytes(_options.PinFile, "Hsm:PinFile");
        try
        {
            var identity = HMACSHA256.HashData(_pinIdentityKey, pin);
            if (_refusedPin is { } refused && CryptographicOperations.FixedTimeEquals(refused, identity))
                throw PinRefused(_refusedPinCode, null);
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
                _refusedPin = identity;
                _refusedPinCode = e.RV;
                HsmLog.PinRefused(_logger, _options.TokenLabel, e.RV.ToString(), _options.PinFile);
                throw PinRefused(e.RV, e);
            }
            if (_refusedPin is not null)
            {
                _refusedPin = null;
                HsmLog.PinAccepted(_logger, _options.TokenLabel, _options.PinFile);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
        }
    }

    private TokenEngineException PinRefused(CKR code, Exception? cause)
    {
        var message = $"Hsm:PinFile: token '{_options.TokenLabel}' refused the user PIN ({code}); C_Login is not tried again until the file '{_options.PinFile}' changes.";
        var problem = $"PIN refused ({code}); update Hsm:PinFile";
        return cause is null ? new TokenEngineException(message) { Problem = problem } : new TokenEngineException(message, cause) { Problem = problem };
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
