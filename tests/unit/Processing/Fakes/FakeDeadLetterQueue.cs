using System.Collections.Concurrent;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>Records "deadletter code=..." with the reason; can refuse like an unconfirmed publish.</summary>
internal sealed class FakeDeadLetterQueue(EventLog events) : IDeadLetterQueue
{
    private readonly ConcurrentQueue<(InboundMessage Message, DeadLetterReason Reason)> _letters = new();

    public IReadOnlyList<(InboundMessage Message, DeadLetterReason Reason)> Letters => _letters.ToArray();

    public bool Fail { get; set; }

    /// <summary>The broker returns the copy: no queue is bound to take it.</summary>
    public bool Return { get; set; }

    public Task DeadLetterAsync(InboundMessage message, DeadLetterReason reason)
    {
        if (Return)
        {
            events.Add("deadletter returned");
            throw new MessageUnroutableException("The broker returned the dead letter as unroutable (test).");
        }
        if (Fail)
        {
            events.Add("deadletter unconfirmed");
            throw new BrokerUnavailableException("The broker did not confirm the dead letter (test).");
        }
        _letters.Enqueue((message, reason));
        events.Add($"deadletter code={reason.Code}");
        return Task.CompletedTask;
    }
}
