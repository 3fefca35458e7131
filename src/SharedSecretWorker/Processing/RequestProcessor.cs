using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Delivery;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Processing;

/// <summary>
/// One attempt at one request: validate, generate the passphrase, make the token on the HSM,
/// write it where the CA reads it, seal the passphrase for the channel, publish the notice and
/// the result. Never throws for a failure of the request or a dependency: it returns the outcome,
/// and <see cref="SettlementPolicy"/> decides what that means for the delivery.
/// </summary>
internal sealed class RequestProcessor
{
    private readonly RequestParser _parser;
    private readonly ProducerCheck _producers;
    private readonly CompletedRequests _completed;
    private readonly TargetLocks _locks;
    private readonly PassphraseGenerator _passphrases;
    private readonly ITokenEncryptor _encryptor;
    private readonly TokenLifetime _lifetime;
    private readonly IDirectoryStore _directory;
    private readonly PassphraseSealer _sealer;
    private readonly IMessagePublisher _publisher;
    private readonly IAddressDigest _addresses;
    private readonly Breakers _breakers;
    private readonly TimeProvider _time;
    private readonly ILogger<RequestProcessor> _logger;

    public RequestProcessor(RequestParser parser, ProducerCheck producers, CompletedRequests completed, TargetLocks locks,
        PassphraseGenerator passphrases, ITokenEncryptor encryptor, TokenLifetime lifetime, IDirectoryStore directory, PassphraseSealer sealer,
        IMessagePublisher publisher, IAddressDigest addresses, Breakers breakers, TimeProvider time, ILogger<RequestProcessor> logger)
    {
        _parser = parser;
        _producers = producers;
        _completed = completed;
        _locks = locks;
        _passphrases = passphrases;
        _encryptor = encryptor;
        _lifetime = lifetime;
        _directory = directory;
        _sealer = sealer;
        _publisher = publisher;
        _addresses = addresses;
        _breakers = breakers;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Processes one attempt and hands its outcome to <paramref name="settle"/>. A request that names a
    /// target is settled while its target lock is still held, so that the next job for the same
    /// target starts only after this one's delivery is acknowledged, retried or dead-lettered.
    /// </summary>
    public async Task ProcessAsync(InboundMessage message, IDeliveryAcknowledgement delivery, int attempt, Func<JobOutcome, Task> settle,
        CancellationToken cancellationToken)
    {
        var parsed = _parser.Parse(message.Body, message.MessageId);
        if (!parsed.Succeeded)
        {
            await settle(JobOutcome.Rejected(parsed.Rejection)).ConfigureAwait(false);
            return;
        }
        var request = parsed.Request;

        // Only the partition of the request's own target key orders its work across workers
        // (docs/messages.md, "Partitions"): a request that came without the key, with another one,
        // or from a queue of before partitioning is routed on to its partition before anything is done.
        if (!message.IsPartitioned || !string.Equals(message.TargetKey, request.Target.Key, StringComparison.Ordinal))
        {
            await settle(JobOutcome.Misrouted(request)).ConfigureAwait(false);
            return;
        }

        if (_producers.Refusal(request.Kind, message) is { } refusal)
        {
            await settle(JobOutcome.Permanent(request, ErrorCodes.Forbidden, refusal)).ConfigureAwait(false);
            return;
        }

        var producer = _producers.ProducerOf(message);
        var bodyDigest = CompletedRequests.Digest(message.Body);

        // One job per target at a time, from the write to the settlement, so the last notice
        // published is for the last token written (docs/messages.md, "Ordering and duplicates").
        var held = await _locks.AcquireAsync(request.Target.Key, cancellationToken).ConfigureAwait(false);
        Task? stillRunning = null;
        try
        {
            stillRunning = await ProcessInTurnAsync(message, delivery, request, attempt, producer, bodyDigest, settle, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (stillRunning is { IsCompleted: false })
            {
                // An abandoned LDAP call may still land its modify: the target stays held until it
                // really ends, so a retry's write cannot be overtaken by it (docs/messages.md,
                // "Ordering and duplicates"). The job itself is settled and its slot free.
                _ = stillRunning.ContinueWith(static (_, turn) => ((IDisposable)turn!).Dispose(), held,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                held.Dispose();
            }
        }
    }

    /// <returns>An abandoned call that may still write to the target, if the attempt left one.</returns>
    private async Task<Task?> ProcessInTurnAsync(InboundMessage message, IDeliveryAcknowledgement delivery, WorkRequest request, int attempt,
        string? producer, byte[] bodyDigest, Func<JobOutcome, Task> settle, CancellationToken cancellationToken)
    {
        // A delivery given up while it waited for its turn (its partition moved to another worker, its
        // channel closed) is no longer this worker's: the next owner may be running its target now.
        if (!delivery.IsOwned)
        {
            await settle(JobOutcome.DeliveryLost(request)).ConfigureAwait(false);
            return null;
        }

        // Inside the target's turn: a redelivery that waited behind its still-running original finds it completed.
        var match = _completed.Match(producer, request.RequestId, bodyDigest);
        switch (match)
        {
            case CompletedRequestMatch.NotCompleted:
                break;
            case CompletedRequestMatch.SameRequest:
                ProcessingLog.Duplicate(_logger, request.RequestId);
                await settle(JobOutcome.Duplicate(request)).ConfigureAwait(false);
                return null;
            case CompletedRequestMatch.DifferentBody:
                await settle(JobOutcome.Permanent(request, ErrorCodes.RequestIdConflict,
                    $"Request id '{request.RequestId}' was already completed for this producer with a different request; nothing was done. Send a new request under a new id.")).ConfigureAwait(false);
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(message), match, "Unknown completed-request match.");
        }

        var outcome = await AttemptAsync(request, delivery, attempt, new CompletedRequest(producer, request.RequestId, bodyDigest), cancellationToken).ConfigureAwait(false);
        if (outcome.Kind == OutcomeKind.Completed) _completed.Add(producer, request.RequestId, bodyDigest);
        await settle(outcome).ConfigureAwait(false);
        return outcome.StillRunning;
    }

    private async Task<JobOutcome> AttemptAsync(WorkRequest request, IDeliveryAcknowledgement delivery, int attempt, CompletedRequest completed,
        CancellationToken cancellationToken)
    {
        try
        {
            var outcome = request.Kind switch
            {
                RequestKind.Enrollment or RequestKind.Revocation => await IssueAsync(request, delivery, attempt, completed, cancellationToken).ConfigureAwait(false),
                RequestKind.Clear => await ClearAsync(request, delivery, attempt, completed, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Unknown request kind."),
            };
            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return JobOutcome.Abandoned(request);
        }
        catch (DirectoryException ex)
        {
            return FromDirectory(request, ex) with { StillRunning = ex.StillRunning };
        }
        catch (HsmUnavailableException ex)
        {
            _breakers.Hsm.ReportTransientFailure();
            return JobOutcome.Transient(request, ErrorCodes.HsmUnavailable, ex.Message);
        }
        catch (TokenEngineException ex)
        {
            // Always the worker's fault, never the request's: nothing of a request reaches the HSM
            // (the passphrase is the worker's own, the key, label, PIN and mechanisms are its
            // configuration), so a refused PIN, a missing key or an unloadable module would fail
            // every request alike. The breaker opens at once and its probe (the pool, which does
            // not log in again with a refused PIN file) keeps the requests queued until it is fixed.
            _breakers.Hsm.ReportWorkerFault(ex.Problem);
            return JobOutcome.Transient(request, ErrorCodes.HsmUnavailable, ex.Message);
        }
        catch (DeliveryLostException ex)
        {
            ProcessingLog.DeliveryLost(_logger, request.RequestId, ex.Message);
            return JobOutcome.DeliveryLost(request);
        }
        catch (NoticeNotDeliveredException ex)
        {
            return JobOutcome.Transient(request, ex.Code, ex.Message, ex.Notice.Dn) with { UndeliveredNotice = ex.Notice };
        }
        catch (BrokerUnavailableException ex)
        {
            return JobOutcome.Transient(request, ErrorCodes.BrokerUnavailable, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A defect, not the request's fault: retried like a transient failure (bounded by the
            // attempts), then dead-lettered with the exception type for the operator.
            ProcessingLog.Unexpected(_logger, ex, request.RequestId);
            return JobOutcome.Transient(request, ErrorCodes.InternalError, $"Unexpected {ex.GetType().Name} in the worker; see its log.");
        }
    }

    private async Task<JobOutcome> IssueAsync(WorkRequest request, IDeliveryAcknowledgement delivery, int attempt, CompletedRequest completed,
        CancellationToken cancellationToken)
    {
        // The parser already refused channels without a recipient certificate (unknown-channel).
        var recipient = request.Delivery!;

        // The requester asked for more than the site allows: its fault, refused before anything is made or written.
        if (_lifetime.Refusal(request.Lifetime) is { } tooLong)
            return JobOutcome.Permanent(request, ErrorCodes.LifetimeTooLong, tooLong);

        var passphrase = await _passphrases.GenerateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var token = await _encryptor.EncryptAsync(passphrase, cancellationToken).ConfigureAwait(false);
            _breakers.Hsm.ReportSuccess();

            // Fencing (docs/operations.md, "Fencing"): the write and the notice happen while this worker
            // holds the delivery. Giving the partition up waits for the hold; a lost channel ends it at
            // once, and then whatever this job wrote is taken back unless its notice went out.
            var hold = delivery.TryHold() ?? throw new DeliveryLostException("The delivery was no longer this worker's before the write; nothing was written.");
            var released = true;
            try
            {
                return await WriteAndNotifyAsync(request, delivery, attempt, completed, passphrase, token, recipient, cancellationToken).ConfigureAwait(false);
            }
            catch (DirectoryException ex) when (ex.StillRunning is { IsCompleted: false } running)
            {
                released = KeepHeldUntil(running, hold);
                throw;
            }
            finally
            {
                if (released) hold.Dispose();
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphrase);
        }
    }

    private async Task<JobOutcome> WriteAndNotifyAsync(WorkRequest request, IDeliveryAcknowledgement delivery, int attempt, CompletedRequest completed,
        byte[] passphrase, string token, DeliveryTarget recipient, CancellationToken cancellationToken)
    {
        {
            var digest = TokenDigest.Sha256Hex(token);
            var metadata = MetadataFor(request, digest);
            var write = request.Target switch
            {
                RequestTarget.User user => await _directory.StoreEnrollmentTokenAsync(user.Uid, token, metadata, cancellationToken).ConfigureAwait(false),
                RequestTarget.Certificate certificate => await _directory.StoreRevocationTokenAsync(certificate.Serial, token, metadata, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(request), request.Target, "Unknown target."),
            };
            _breakers.Directory.ReportSuccess();
            if (!delivery.IsOwned)
            {
                // The channel closed while the write ran: the broker may have given the request (or the
                // target's next one) to another worker already, whose write this one may have followed.
                await UndoWriteAsync(request, write, token, "its delivery's channel closed during the write").ConfigureAwait(false);
                throw new DeliveryLostException("The delivery's channel closed during the write; the write was taken back.");
            }

            var now = _time.GetUtcNow();
            // Only what the directory holds: a write that kept no metadata (the shrTok-on-record variant) never expires.
            var expiresAt = write.Info is null ? null : metadata.NotAfter;
            // The notice goes out only after the write it describes (docs/messages.md, "Ordering and duplicates").
            var notice = DeliveryNotice.For(request, write.Dn, digest, now, _sealer.SealToBase64(recipient.Channel, passphrase)) with { ExpiresAt = expiresAt };
            try
            {
                await _publisher.PublishNoticeAsync(notice, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerUnavailableException ex)
            {
                // The token is written but nobody has its passphrase. A returned notice (no hand-off
                // queue bound for the channel) has a code of its own; both are retried.
                var returned = ex is MessageUnroutableException;
                // A returned notice certainly reached nobody: the write is taken back, so that the
                // user's previous, delivered passphrase works again whatever becomes of the retries.
                // A notice merely unconfirmed may have gone out; its token stays (the retry's newer
                // notice and token then supersede both), unless the delivery is lost too: then another
                // worker may already have written after this one, and the undo (which restores what this
                // write replaced, atomically read with it) gives the directory back to the later write.
                var lost = !delivery.IsOwned;
                if (returned || lost)
                    await UndoWriteAsync(request, write, token, returned ? "its notice reached no queue" : "its delivery's channel closed before its notice was confirmed").ConfigureAwait(false);
                if (lost && !returned)
                    throw new DeliveryLostException("The delivery's channel closed before the notice was confirmed; the write was taken back.");
                var code = returned ? ErrorCodes.NoticeUnroutable : ErrorCodes.BrokerUnavailable;
                throw new NoticeNotDeliveredException(code, new UndeliveredNotice(write.Dn, digest), ex);
            }

            // Only after the broker confirmed the notice: a "stored" result then always means the
            // passphrase is on its way. Publishing both at once was tried (load harness): at most
            // 5% more throughput, within the noise of a saturated machine, and a result could then
            // reach its consumer before its notice, or without it after a crash.
            var stored = ResultMessage.Stored(request, write.Dn, digest, attempt, _time.GetUtcNow()).WithDeliveryOf(request, _addresses) with { ExpiresAt = expiresAt };
            await _publisher.PublishResultAsync(stored, completed.Producer, completed, cancellationToken).ConfigureAwait(false);
            ProcessingLog.Stored(_logger, request.RequestId, request.Kind.ToWireName(), write.Dn, attempt);
            return JobOutcome.Completed(request, write.Dn);
        }
    }

    /// <summary>
    /// The line kept beside the token (docs/token-lifecycle.md, "A lifetime"): issued now (this worker's
    /// clock, whole seconds), expiring after the request's lifetime or <c>Token:Lifetime</c>.
    /// </summary>
    private TokenMetadata MetadataFor(WorkRequest request, string digest)
    {
        var issued = TokenMetadata.ToSeconds(_time.GetUtcNow());
        var notAfter = _lifetime.For(request.Lifetime) is { } lifetime ? issued + lifetime : (DateTimeOffset?)null;
        return new TokenMetadata(digest, issued, notAfter, request.RequestId, request.BatchId, _encryptor.WrappedTo);
    }

    /// <summary>
    /// An abandoned directory call may still land its modify (<see cref="DirectoryException.StillRunning"/>):
    /// the ownership stays held until it really ends, so that the worker does not give the partition to
    /// another worker whose write it could follow (docs/operations.md, "Fencing").
    /// </summary>
    /// <returns>False: the hold is released later, by the call's end.</returns>
    private static bool KeepHeldUntil(Task running, IDisposable hold)
    {
        _ = running.ContinueWith(static (_, h) => ((IDisposable)h!).Dispose(), hold, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return false;
    }

    /// <summary>
    /// Puts back the token <paramref name="write"/> replaced, while and only while the directory still
    /// holds <paramref name="token"/> (one modify: a newer token written meanwhile is never undone).
    /// Best effort: if the directory fails now, the next attempt's write supersedes the token anyway.
    /// </summary>
    private async Task UndoWriteAsync(WorkRequest request, DirectoryWrite write, string token, string why)
    {
        try
        {
            var undone = request.Target switch
            {
                RequestTarget.User => await _directory.RestoreEnrollmentTokenAsync(write, token, CancellationToken.None).ConfigureAwait(false),
                RequestTarget.Certificate => await _directory.RestoreRevocationTokenAsync(write, token, CancellationToken.None).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(request), request.Target, "Unknown target."),
            };
            ProcessingLog.WriteUndone(_logger, request.RequestId, why, write.Dn, undone.Changed, write.Replaced is not null);
        }
        catch (DirectoryException ex)
        {
            ProcessingLog.WriteNotUndone(_logger, request.RequestId, why, write.Dn, ex.Message);
        }
    }

    private async Task<JobOutcome> ClearAsync(WorkRequest request, IDeliveryAcknowledgement delivery, int attempt, CompletedRequest completed,
        CancellationToken cancellationToken)
    {
        DirectoryWrite write;
        var hold = delivery.TryHold() ?? throw new DeliveryLostException("The delivery was no longer this worker's before the clear; nothing was cleared.");
        var released = true;
        try
        {
            write = request.Target switch
            {
                RequestTarget.User user => await _directory.ClearEnrollmentTokenAsync(user.Uid, cancellationToken).ConfigureAwait(false),
                RequestTarget.Certificate certificate => await _directory.ClearRevocationTokenAsync(certificate.Serial, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(request), request.Target, "Unknown target."),
            };
        }
        catch (DirectoryException ex) when (ex.StillRunning is { IsCompleted: false } running)
        {
            released = KeepHeldUntil(running, hold);
            throw;
        }
        finally
        {
            if (released) hold.Dispose();
        }
        _breakers.Directory.ReportSuccess();
        await _publisher.PublishResultAsync(ResultMessage.Cleared(request, write.Dn, attempt, _time.GetUtcNow()), completed.Producer, completed, cancellationToken).ConfigureAwait(false);
        ProcessingLog.Cleared(_logger, request.RequestId, write.Dn);
        return JobOutcome.Completed(request, write.Dn);
    }

    private JobOutcome FromDirectory(WorkRequest request, DirectoryException ex)
    {
        // A refused bind or a vanished base is the worker's configuration, not the request's fault:
        // like an outage it opens the breaker (no work is taken until the directory check passes
        // again) and the request is retried, instead of failing every queued request for good.
        // Access rules that no longer let the worker write where it writes (an ACI removed or
        // changed) are its own fault too: the breaker opens at once and closes only when the write
        // access is back (a write that changes nothing, on the entry that was refused).
        if (ex.Kind == DirectoryFailure.InsufficientAccess)
        {
            var dn = ex.Dn;
            var attribute = ex.Attribute;
            _breakers.Directory.ReportWorkerFault(ex.Problem ?? ex.Message,
                dn is null || attribute is null ? null : ct => _directory.CheckWriteAccessAsync(dn, attribute, ct));
            return JobOutcome.Transient(request, ErrorCodes.DirectoryUnavailable, ex.Message, ex.Dn);
        }
        var workerSide = ex.Kind is DirectoryFailure.AuthenticationFailed or DirectoryFailure.Misconfigured;
        if (ex.IsTransient || workerSide)
        {
            if (ex.Kind == DirectoryFailure.Unavailable || workerSide) _breakers.Directory.ReportTransientFailure();
            return JobOutcome.Transient(request, ErrorCodes.DirectoryUnavailable, ex.Message, ex.Dn);
        }
        var code = ex.Kind switch
        {
            DirectoryFailure.InvalidUid => ErrorCodes.InvalidRequest,
            DirectoryFailure.UnknownUid => ErrorCodes.UnknownUid,
            DirectoryFailure.AmbiguousUid => ErrorCodes.AmbiguousUid,
            DirectoryFailure.UnknownSerial => ErrorCodes.UnknownSerial,
            // Only an entry protected on purpose (its base grants the write): the request's target.
            DirectoryFailure.Forbidden => ErrorCodes.Forbidden,
            _ => ErrorCodes.DirectoryRejected,
        };
        return JobOutcome.Permanent(request, code, ex.Message, ex.Dn);
    }
}
