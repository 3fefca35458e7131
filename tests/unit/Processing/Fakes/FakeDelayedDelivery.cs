using System.Collections.Concurrent;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>Records "delayed step=0 attempt=2" with the copy's details; can refuse like an unconfirmed publish.</summary>
internal sealed class FakeDelayedDelivery(EventLog events) : IDelayedDelivery
{
    private readonly ConcurrentQueue<Scheduled> _scheduled = new();

    public sealed record Scheduled(InboundMessage Message, int Step, TimeSpan Delay, int NextAttempt, string? Producer);

    public IReadOnlyList<Scheduled> Copies => _scheduled.ToArray();

    public bool Fail { get; set; }

    /// <summary>The broker returns the copy: no queue is bound to take it.</summary>
    public bool Return { get; set; }

    public Task DeliverLaterAsync(InboundMessage message, int step, TimeSpan delay, int nextAttempt, string? producer)
    {
        if (Return)
        {
            events.Add("delayed returned");
            throw new MessageUnroutableException("The broker returned the delayed copy as unroutable (test).");
        }
        if (Fail)
        {
            events.Add("delayed unconfirmed");
            throw new BrokerUnavailableException("The broker did not confirm the delayed copy (test).");
        }
        _scheduled.Enqueue(new Scheduled(message, step, delay, nextAttempt, producer));
        events.Add($"delayed step={step} attempt={nextAttempt}");
        return Task.CompletedTask;
    }
}
