using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// The message pump, as NServiceBus.RabbitMQ's MessagePump calls OnMessage: consumes both lanes,
/// each on its own channel with manual acks and a prefetch above the concurrency, and once the
/// concurrency gate and the circuit breakers let it, hands each delivery to processing's
/// <see cref="IMessageHandler"/> as a job. The ReceivedAsync handler returns as soon as the job is
/// started: the client dispatches one delivery per channel at a time, so waiting for a slot there
/// is what bounds the work.
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
    private LaneConsumer[] _lanes = [];
    private volatile bool _paused;
    private Task _supervision = Task.CompletedTask;

    public MessagePump(BrokerConnection broker, Topology topology, IOptions<WorkerOptions> options, ConcurrencyGate gate,
        Breakers breakers, IMessageHandler handler, ILogger<MessagePump> logger)
    {
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

    /// <summary>True while both lanes have a consumer on an open channel (readiness).</summary>
    public bool IsConsuming => !_paused && _lanes.Length > 0 && _lanes.All(l => l.IsConsuming);

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

        _lanes = Enum.GetValues<Lane>().Select(lane => new LaneConsumer(lane, _topology.QueueOf(lane), _options.EffectivePrefetch, OnDeliveryAsync)).ToArray();
        foreach (var lane in _lanes) await lane.ConsumeAsync(connection, cancellationToken).ConfigureAwait(false);
        _supervision = Task.Run(() => SuperviseAsync(_stopTaking.Token), CancellationToken.None);
        BrokerLog.Consuming(_logger, _topology.QueueOf(Lane.Interactive), _topology.QueueOf(Lane.Bulk), _options.MaxConcurrency, _options.EffectivePrefetch);
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
                    foreach (var lane in _lanes)
                    {
                        if (lane.IsConsuming) continue;
                        await lane.ConsumeAsync(connection, stopping).ConfigureAwait(false);
                        if (!resumed) BrokerLog.LaneChannelReopened(_logger, lane.Queue);
                    }
                    _paused = false;
                    if (resumed) BrokerLog.Resumed(_logger);
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

    /// <summary>Cancels both consumers while a breaker is open, once: held deliveries then go back to their queues.</summary>
    private async Task PauseAsync(CancellationToken stopping)
    {
        await _pausing.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            if (_paused) return;
            foreach (var lane in _lanes) await lane.CancelAsync(stopping).ConfigureAwait(false);
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

    private async Task OnDeliveryAsync(Lane lane, string queue, IChannel channel, BasicDeliverEventArgs delivery)
    {
        var message = DeliveryCopy.From(lane, queue, delivery, _broker.UserName);
        var acknowledgement = new ChannelAcknowledgement(channel, message.DeliveryTag);
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
        foreach (var lane in _lanes) await lane.CancelAsync(CancellationToken.None).ConfigureAwait(false);

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

        foreach (var lane in _lanes) await lane.CloseAsync().ConfigureAwait(false);
        BrokerLog.Stopped(_logger);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes) lane.Dispose();
        _pausing.Dispose();
        _stopTaking.Dispose();
        _abandon.Dispose();
        return ValueTask.CompletedTask;
    }
}
