using System.Collections.Concurrent;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>
/// The broker's publisher: records "publish.notice" and "publish.result stored|cleared|failed code=..."
/// once confirmed, or "publish.notice unconfirmed" / "publish.result unconfirmed" when told to fail
/// with <see cref="BrokerUnavailableException"/> as an unconfirmed publish does.
/// </summary>
internal sealed class FakePublisher(EventLog events) : IMessagePublisher
{
    private readonly ConcurrentQueue<DeliveryNotice> _notices = new();
    private readonly ConcurrentQueue<ResultMessage> _results = new();
    private readonly ConcurrentQueue<string?> _producers = new();
    private int _failNotices;
    private int _failResults;
    private int _returnNotices;

    public IReadOnlyList<DeliveryNotice> Notices => _notices.ToArray();

    public IReadOnlyList<ResultMessage> Results => _results.ToArray();

    /// <summary>The producer passed with each confirmed result, in the order of <see cref="Results"/>.</summary>
    public IReadOnlyList<string?> ResultProducers => _producers.ToArray();

    /// <summary>The next <paramref name="count"/> notices are not confirmed.</summary>
    public void FailNotices(int count = 1) => Interlocked.Add(ref _failNotices, count);

    /// <summary>The next <paramref name="count"/> notices are returned by the broker: no queue is bound for their channel.</summary>
    public void ReturnNotices(int count = 1) => Interlocked.Add(ref _returnNotices, count);

    /// <summary>The next <paramref name="count"/> results are not confirmed.</summary>
    public void FailResults(int count = 1) => Interlocked.Add(ref _failResults, count);

    /// <summary>When set, runs as a notice is published, before it is confirmed or refused.</summary>
    public Action? OnNotice { get; set; }

    public Task PublishNoticeAsync(DeliveryNotice notice, CancellationToken cancellationToken)
    {
        OnNotice?.Invoke();
        if (TakeFailure(ref _returnNotices))
        {
            events.Add("publish.notice returned");
            throw new MessageUnroutableException("The broker returned the notice as unroutable (test).");
        }
        if (TakeFailure(ref _failNotices))
        {
            events.Add("publish.notice unconfirmed");
            throw new BrokerUnavailableException("The broker did not confirm the notice (test).");
        }
        _notices.Enqueue(notice);
        events.Add("publish.notice");
        return Task.CompletedTask;
    }

    public Task PublishResultAsync(ResultMessage result, string? producer, CompletedRequest? completed, CancellationToken cancellationToken)
    {
        if (TakeFailure(ref _failResults))
        {
            events.Add("publish.result unconfirmed");
            throw new BrokerUnavailableException("The broker did not confirm the result (test).");
        }
        _producers.Enqueue(producer);
        _results.Enqueue(result);
        events.Add(result.Status switch
        {
            ResultStatus.Stored => "publish.result stored",
            ResultStatus.Cleared => "publish.result cleared",
            _ => $"publish.result failed code={result.Error?.Code}",
        });
        return Task.CompletedTask;
    }

    private static bool TakeFailure(ref int remaining)
    {
        while (true)
        {
            var now = Volatile.Read(ref remaining);
            if (now <= 0) return false;
            if (Interlocked.CompareExchange(ref remaining, now - 1, now) == now) return true;
        }
    }
}
