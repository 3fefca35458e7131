using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Broker.Partitions;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// The message pump, as NServiceBus.RabbitMQ's MessagePump calls OnMessage: consumes every partition
/// of both lanes (and the lanes' queues from before partitioning, if they still exist), each on its own
/// channel with manual acks, and once the concurrency gate and the circuit breakers let it, hands each
/// delivery to processing's <see cref="IMessageHandler"/> as a job. The ReceivedAsync handler returns as
/// soon as the job is started: the client dispatches one delivery per channel at a time, so waiting for
/// a slot there is what bounds the work.
///
/// Every worker registers on every partition; the broker makes one of them the active consumer of each
/// (single active consumer) and the next one active when it goes. To share the partitions, each worker
/// gives up, once, a partition it is evidently active on but which another present worker prefers
/// (<see cref="PartitionShare"/>): it re-registers at the back of the queue's waiting consumers, and the
/// broker activates the next one (docs/operations.md, "Running several workers").
/// </summary>
internal sealed class MessagePump : IHostedService, IAsyncDisposable
{
    private readonly BrokerConnection _broker;
    private readonly Topology _topology;
    private readonly WorkerOptions _options;
    private readonly ConcurrencyGate _gate;
    private readonly Breakers _breakers;
    private readonly IMessageHandler _handler;
    private readonly ILogger<MessagePump> _logger;
    private readonly CancellationTokenSource _stopTaking = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly ConcurrentDictionary<Task, byte> _jobs = new();
    private readonly SemaphoreSlim _pausing = new(1, 1);
    private readonly WorkerPresence _presence;
    private readonly CompletedRequestsFeed _feed;
    private readonly TimeSpan _presenceInterval;
    private ConsumerGroup[] _groups = [];
    private volatile bool _paused;
    private Task _supervision = Task.CompletedTask;
    private string _sharedWith = "";

    public MessagePump(BrokerConnection broker, Topology topology, IOptions<WorkerOptions> options, IOptions<TopologyOptions> names, ConcurrencyGate gate,
        Breakers breakers, IMessageHandler handler, CompletedRequests completed, TimeProvider time, ILogger<MessagePump> logger)
    {
        _feed = new CompletedRequestsFeed(names.Value.ResultsExchange, broker, completed);
        _presenceInterval = names.Value.PresenceInterval;
        _presence = new WorkerPresence(topology.PresenceExchange, _presenceInterval, time);
        _broker = broker;
        _topology = topology;
        _options = options.Value;
        _gate = gate;
        _breakers = breakers;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>How often the pump checks its breakers and its lanes' channels.</summary>
    internal static readonly TimeSpan SupervisionInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>True while every request queue has a consumer on an open channel (readiness).</summary>
    public bool IsConsuming => !_paused && _groups.Length > 0 && _groups.All(g => g.IsConsuming);


    /// <summary>Why the pump does not consume now, when it is paused on purpose (readiness names it).</summary>
    public string? PausedFor => _paused ? $"paused while the {string.Join(" and ", OpenBreakers())} circuit breaker is open" : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = await _broker.GetAsync(cancellationToken).ConfigureAwait(false);
        await using (var setup = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await _topology.DeclareAsync(setup, _logger, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationInterruptedException ex)
            {
                throw new InvalidOperationException($"The broker refused the topology: {ex.ShutdownReason?.ReplyText ?? ex.Message}. " +
                    "A queue that exists with other arguments must be deleted or the Topology names changed.", ex);
            }
        }

        // The prefetch is shared out over a lane's partitions: a worker active on all of them holds no
        // more unacknowledged deliveries than with one queue per lane.
        var perPartition = (ushort)Math.Max(1, (_options.EffectivePrefetch + _topology.Partitions - 1) / _topology.Partitions);
        var legacy = await _topology.LegacyQueuesAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var queue in legacy) BrokerLog.LegacyQueueDraining(_logger, queue.Name);
        _groups = _topology.PartitionQueues().GroupBy(q => q.Partition)
            .Select(p => Group(p.Key, p.ToArray(), perPartition))
            .Concat(legacy.Select(q => Group(null, [q], _options.EffectivePrefetch)))
            .ToArray();
        // Every worker registers the groups in the same order, each group's queues one after the other.
        foreach (var group in _groups) await group.ConsumeAsync(connection, cancellationToken).ConfigureAwait(false);
        // Heard only after this worker is registered everywhere: a partition given up to it has it waiting.
        await _presence.StartAsync(connection, cancellationToken).ConfigureAwait(false);
        _supervision = Task.Run(() => SuperviseAsync(_stopTaking.Token), CancellationToken.None);
        BrokerLog.Consuming(_logger, _groups.Sum(g => g.Consumers.Count), _topology.Partitions, _options.MaxConcurrency, perPartition);
    }

    private ConsumerGroup Group(int? partition, IReadOnlyList<RequestQueue> queues, ushort prefetch)
    {
        var ownership = new SharedOwnership();
        return new ConsumerGroup(partition, queues.Select(q => new QueueConsumer(q, prefetch, ownership, OnDeliveryAsync)).ToArray(), ownership);
    }

    /// <summary>
    /// Keeps consuming true to the breakers and the channels: paused while a breaker is open, resumed
    /// when all are closed, and a lane whose channel was closed by a channel-level error gets a new one.
    /// </summary>
    private async Task SuperviseAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SupervisionInterval, stopping).ConfigureAwait(false);
                await AnnounceAsync(stopping).ConfigureAwait(false);
                if (_breakers.AnyOpen)
                {
                    await PauseAsync(stopping).ConfigureAwait(false);
                    continue;
                }
                if (!_broker.IsOpen || _broker.IsRecovering) continue; // automatic recovery is at work
                var connection = await _broker.GetAsync(stopping).ConfigureAwait(false);
                await _pausing.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    if (_breakers.AnyOpen) continue;
                    var resumed = _paused;
                    foreach (var group in _groups)
                    {
                        if (group.IsConsuming) continue;
                        // A channel closed or a recovery re-registered a consumer by itself: all of the
                        // group's go to the back of their waiting lines together.
                        if (!await group.RenewAsync(connection, _options.ShutdownGrace, stopping).ConfigureAwait(false)) GaveUpHeld(group);
                        if (!resumed) BrokerLog.LaneChannelReopened(_logger, string.Join(", ", group.Consumers.Select(c => c.Queue.Name)));
                    }
                    _paused = false;
                    if (resumed) BrokerLog.Resumed(_logger);
                    await ShareAsync(connection, stopping).ConfigureAwait(false);
                }
                finally
                {
                    _pausing.Release();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or InvalidOperationException)
            {
                // The connection is away (recovery at work) or the broker refused for now: next round.
            }
        }
    }

    private DateTimeOffset _lastAnnounced = DateTimeOffset.MinValue;

    /// <summary>Announces this worker every presence interval, saying whether it consumes.</summary>
    private async Task AnnounceAsync(CancellationToken stopping)
    {
        var now = DateTimeOffset.UtcNow;
        if (now - _lastAnnounced < _presenceInterval) return;
        _lastAnnounced = now;
        await _presence.AnnounceAsync(!_paused, stopping).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives up each partition that another present worker prefers and that evidently is this worker's now
    /// (it delivered within the last two supervision rounds): the consumer re-registers at the back of the
    /// partition's waiting consumers, so the broker activates the next one, normally the preferred worker,
    /// which waits there since its start. An idle partition is left alone: nothing to share there yet.
    /// </summary>
    private async Task ShareAsync(IConnection connection, CancellationToken stopping)
    {
        var others = _presence.OthersConsuming();
        var sharedWith = string.Join(",", others);
        if (sharedWith != _sharedWith)
        {
            _sharedWith = sharedWith;
            var preferred = Enumerable.Range(0, _topology.Partitions).Count(p => PartitionShare.Prefers(_presence.Name, others, p));
            BrokerLog.PartitionsShared(_logger, others.Count + 1, _presence.Name, preferred, _topology.Partitions);
        }
        if (others.Count == 0)
        {
            await _feed.StopAsync().ConfigureAwait(false);
            return;
        }
        await _feed.StartAsync(connection, stopping).ConfigureAwait(false);
        foreach (var group in _groups)
        {
            if (group.Partition is not { } partition || PartitionShare.Prefers(_presence.Name, others, partition)) continue;
            if (!group.DeliveredWithin(2 * SupervisionInterval)) continue;
            if (!await group.RenewAsync(connection, _options.ShutdownGrace, stopping).ConfigureAwait(false)) GaveUpHeld(group);
        }
    }

    private void GaveUpHeld(ConsumerGroup group) =>
        BrokerLog.GaveUpWhileHeld(_logger, string.Join(", ", group.Consumers.Select(c => c.Queue.Name)), _options.ShutdownGrace);

    /// <summary>Gives every queue up while a breaker is open, once: held deliveries then go back to their queues.</summary>
    private async Task PauseAsync(CancellationToken stopping)
    {
        await _pausing.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            if (_paused) return;
            foreach (var group in _groups)
            {
                if (!await group.GiveUpAsync(_options.ShutdownGrace, stopping).ConfigureAwait(false)) GaveUpHeld(group);
            }
            _paused = true;
            BrokerLog.Paused(_logger, string.Join(", ", OpenBreakers()));
        }
        finally
        {
            _pausing.Release();
        }
    }

    private IEnumerable<string> OpenBreakers()
    {
        if (_breakers.Directory.IsOpen) yield return _breakers.Directory.Dependency;
        if (_breakers.Hsm.IsOpen) yield return _breakers.Hsm.Dependency;
    }

    private async Task OnDeliveryAsync(QueueConsumer consumer, IChannel channel, ConsumerOwnership ownership, BasicDeliverEventArgs delivery)
    {
        var lane = consumer.Queue.Lane;
        var message = DeliveryCopy.From(consumer.Queue, delivery, _broker.UserName);
        var acknowledgement = new ChannelAcknowledgement(channel, message.DeliveryTag, ownership);
        if (!ownership.IsOwned)
        {
            // Given up while this was on its way: it goes back once the consumer is cancelled (if the
            // channel closed instead, the broker has requeued it already).
            if (channel.IsOpen) consumer.Defer(acknowledgement);
            return;
        }
        ConcurrencyGate.Slot slot;
        try
        {
            if (_breakers.AnyOpen)
            {
                HandBackWhilePaused(acknowledgement);
                return;
            }
            slot = await _gate.EnterAsync(lane, _stopTaking.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the delivery stays unacknowledged and goes back to the queue when the channel closes.
            return;
        }
        if (_breakers.AnyOpen)
        {
            slot.Dispose();
            HandBackWhilePaused(acknowledgement);
            return;
        }

        var job = Task.Run(async () =>
        {
            using (slot)
            {
                await _handler.OnMessageAsync(message, acknowledgement, _abandon.Token).ConfigureAwait(false);
            }
        });
        _jobs.TryAdd(job, 0);
        _ = job.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _jobs, TaskScheduler.Default);
    }

    /// <summary>
    /// A delivery is not held while a dependency is down (the broker's consumer timeout would close the
    /// channel, and another worker could take it meanwhile): the consumers are cancelled first, so that
    /// the message handed back is not delivered straight back here, then it goes back to its queue. Off
    /// the delivery handler, which must return for the channel to take the cancel's answer.
    /// </summary>
    private void HandBackWhilePaused(ChannelAcknowledgement acknowledgement) => _ = Task.Run(async () =>
    {
        try
        {
            await PauseAsync(_stopTaking.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the channel closes and the broker requeues the delivery.
            return;
        }
        await TryHandBackAsync(acknowledgement).ConfigureAwait(false);
    }, CancellationToken.None);

    private static async Task TryHandBackAsync(ChannelAcknowledgement delivery)
    {
        try
        {
            await delivery.HandBackAsync().ConfigureAwait(false);
        }
        catch (BrokerUnavailableException)
        {
            // The channel is closed: the broker has already requeued the delivery.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BrokerLog.Stopping(_logger, _options.ShutdownGrace, _jobs.Count);
        await _stopTaking.CancelAsync().ConfigureAwait(false);
        await _supervision.ConfigureAwait(false);
        // The consumers stay registered while the jobs finish: cancelled, they would let the broker
        // activate another worker's consumer on their partitions while this one still writes there.
        // Deliveries that arrive meanwhile wait unstarted and go back when the channels close.

        var inFlight = _jobs.Keys.ToArray();
        var finished = Task.WhenAll(inFlight);
        var graceOver = Task.Delay(_options.ShutdownGrace, cancellationToken);
        if (await Task.WhenAny(finished, graceOver).ConfigureAwait(false) != finished)
        {
            // Out of time: jobs still running are cancelled and hand their message back (nack, requeue).
            var handedBack = inFlight.Count(t => !t.IsCompleted);
            BrokerLog.HandedBack(_logger, handedBack);
            await _abandon.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(finished, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        }

        foreach (var group in _groups) await group.CloseAsync().ConfigureAwait(false);
        await _presence.DisposeAsync().ConfigureAwait(false);
        await _feed.DisposeAsync().ConfigureAwait(false);
        BrokerLog.Stopped(_logger);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var group in _groups) group.Dispose();
        _pausing.Dispose();
        _stopTaking.Dispose();
        _abandon.Dispose();
        return ValueTask.CompletedTask;
    }
}
