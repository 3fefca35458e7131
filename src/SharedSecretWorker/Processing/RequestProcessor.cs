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
    private readonly IDirectoryStore _directory;
    private readonly PassphraseSealer _sealer;
    private readonly IMessagePublisher _publisher;
    private readonly Breakers _breakers;
    private readonly TimeProvider _time;
    private readonly ILogger<RequestProcessor> _logger;

    public RequestProcessor(RequestParser parser, ProducerCheck producers, CompletedRequests completed, TargetLocks locks,
        PassphraseGenerator passphrases, ITokenEncryptor encryptor, IDirectoryStore directory, PassphraseSealer sealer,
        IMessagePublisher publisher, Breakers breakers, TimeProvider time, ILogger<RequestProcessor> logger)
    {
        _parser = parser;
        _producers = producers;
        _completed = completed;
        _locks = locks;
        _passphrases = passphrases;
        _encryptor = encryptor;
        _directory = directory;
        _sealer = sealer;
        _publisher = publisher;
        _breakers = breakers;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Processes one attempt and hands its outcome to <paramref name="settle"/>. A request that names a
    /// target is settled while its target lock is still held, so that the next job for the same
    /// target starts only after this one's delivery is acknowledged, retried or dead-lettered.
    /// </summary>
    public async Task ProcessAsync(InboundMessage message, int attempt, Func<JobOutcome, Task> settle, CancellationToken cancellationToken)
    {
        var parsed = _parser.Parse(message.Body, message.MessageId);
        if (!parsed.Succeeded)
        {
            await settle(JobOutcome.Rejected(parsed.Rejection)).ConfigureAwait(false);
            return;
        }
        var request = parsed.Request;

        if (_producers.Refusal(request.Kind, message) is { } refusal)
        {
            await settle(JobOutcome.Permanent(request, ErrorCodes.Forbidden, refusal)).ConfigureAwait(false);
            return;
        }

        if (_completed.Contains(request.RequestId))
        {
            ProcessingLog.Duplicate(_logger, request.RequestId);
            await settle(JobOutcome.Duplicate(request)).ConfigureAwait(false);
            return;
        }

        // One job per target at a time, from the write to the settlement, so the last notice
        // published is for the last token written (docs/messages.md, "Ordering and duplicates").
        using var held = await _locks.AcquireAsync(request.Target.Key, cancellationToken).ConfigureAwait(false);
        await settle(await AttemptAsync(request, attempt, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task<JobOutcome> AttemptAsync(WorkRequest request, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = request.Kind switch
            {
                RequestKind.Enrollment or RequestKind.Revocation => await IssueAsync(request, attempt, cancellationToken).ConfigureAwait(false),
                RequestKind.Clear => await ClearAsync(request, attempt, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Unknown request kind."),
            };
            _completed.Add(request.RequestId);
            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return JobOutcome.Abandoned(request);
        }
        catch (DirectoryException ex)
        {
            return FromDirectory(request, ex);
        }
        catch (HsmUnavailableException ex)
        {
            _breakers.Hsm.ReportTransientFailure();
            return JobOutcome.Transient(request, ErrorCodes.HsmUnavailable, ex.Message);
        }
        catch (TokenEngineException ex)
        {
            return JobOutcome.Permanent(request, ErrorCodes.HsmError, ex.Message);
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

    private async Task<JobOutcome> IssueAsync(WorkRequest request, int attempt, CancellationToken cancellationToken)
    {
        // The parser already refused channels without a recipient certificate (unknown-channel).
        var delivery = request.Delivery!;

        var passphrase = await _passphrases.GenerateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var token = await _encryptor.EncryptAsync(passphrase, cancellationToken).ConfigureAwait(false);
            _breakers.Hsm.ReportSuccess();

            var write = request.Target switch
            {
                RequestTarget.User user => await _directory.StoreEnrollmentTokenAsync(user.Uid, token, cancellationToken).ConfigureAwait(false),
                RequestTarget.Certificate certificate => await _directory.StoreRevocationTokenAsync(certificate.Serial, token, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(request), request.Target, "Unknown target."),
            };
            _breakers.Directory.ReportSuccess();

            var digest = TokenDigest.Sha256Hex(token);
            var now = _time.GetUtcNow();
            // The notice goes out only after the write it describes (docs/messages.md, "Ordering and duplicates").
            var notice = DeliveryNotice.For(request, write.Dn, digest, now, _sealer.SealToBase64(delivery.Channel, passphrase));
            try
            {
                await _publisher.PublishNoticeAsync(notice, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerUnavailableException ex)
            {
                // The token is written but nobody has its passphrase. A returned notice (no hand-off
                // queue bound for the channel) has a code of its own; both are retried.
                var code = ex is MessageUnroutableException ? ErrorCodes.NoticeUnroutable : ErrorCodes.BrokerUnavailable;
                throw new NoticeNotDeliveredException(code, new UndeliveredNotice(write.Dn, digest), ex);
            }

            // Only after the broker confirmed the notice: a "stored" result then always means the
            // passphrase is on its way. Publishing both at once was tried (load harness): at most
            // 5% more throughput, within the noise of a saturated machine, and a result could then
            // reach its consumer before its notice, or without it after a crash.
            await _publisher.PublishResultAsync(ResultMessage.Stored(request, write.Dn, digest, attempt, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            ProcessingLog.Stored(_logger, request.RequestId, request.Kind.ToWireName(), write.Dn, attempt);
            return JobOutcome.Completed(request, write.Dn);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphrase);
        }
    }

    private async Task<JobOutcome> ClearAsync(WorkRequest request, int attempt, CancellationToken cancellationToken)
    {
        var write = request.Target switch
        {
            RequestTarget.User user => await _directory.ClearEnrollmentTokenAsync(user.Uid, cancellationToken).ConfigureAwait(false),
            RequestTarget.Certificate certificate => await _directory.ClearRevocationTokenAsync(certificate.Serial, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Target, "Unknown target."),
        };
        _breakers.Directory.ReportSuccess();
        await _publisher.PublishResultAsync(ResultMessage.Cleared(request, write.Dn, attempt, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        ProcessingLog.Cleared(_logger, request.RequestId, write.Dn);
        return JobOutcome.Completed(request, write.Dn);
    }

    private JobOutcome FromDirectory(WorkRequest request, DirectoryException ex)
    {
        // A refused bind or a vanished base is the worker's configuration, not the request's fault:
        // like an outage it opens the breaker (no work is taken until the directory check passes
        // again) and the request is retried, instead of failing every queued request for good.
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
            DirectoryFailure.Forbidden => ErrorCodes.Forbidden,
            _ => ErrorCodes.DirectoryRejected,
        };
        return JobOutcome.Permanent(request, code, ex.Message, ex.Dn);
    }
}
