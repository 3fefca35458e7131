using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using SharedSecretWorker.Common;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>Module recycling: re-initialising the PKCS#11 module after the token became unreachable, and the planned recycle of Hsm:ReinitializeAfterOperations.</summary>
internal sealed partial class Pkcs11SessionPool
{
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
    private int HoldOtherPermits() => HoldPermits(_options.MaxSessions - 1);

    /// <summary>Takes up to <paramref name="count"/> permits within one Hsm:SessionWaitTimeout; returns how many it got.</summary>
    private int HoldPermits(int count)
    {
        // One Hsm:SessionWaitTimeout for all of them, not one each.
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(_options.SessionWaitTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var held = 0;
        while (held < count)
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
}
