using System.Collections.Concurrent;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>Records "routed key=uid:jdoe" with the copy's details; can refuse like an unconfirmed publish.</summary>
internal sealed class FakePartitionRouting(EventLog events) : IPartitionRouting
{
    private readonly ConcurrentQueue<Routed> _routed = new();

    public sealed record Routed(InboundMessage Message, string TargetKey, string? Producer);

    public IReadOnlyList<Routed> Copies => _routed.ToArray();

    public bool Fail { get; set; }

    public Task RouteAsync(InboundMessage message, string targetKey, string? producer)
    {
        if (Fail)
        {
            events.Add("routed unconfirmed");
            throw new BrokerUnavailableException("The broker did not confirm the routed copy (test).");
        }
        _routed.Enqueue(new Routed(message, targetKey, producer));
        events.Add($"routed key={targetKey}");
        return Task.CompletedTask;
    }
}
