using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace SharedSecretWorker.Broker;

/// <summary>
/// The consumer of one request queue (a partition, or a lane queue of before partitioning), on a channel of
/// its own. It can give the queue up (paused while a circuit breaker is open, rebalanced to another
/// worker, at shutdown) and consume again, and it opens a new channel when its channel was closed:
/// RabbitMQ.Client's automatic recovery re-creates channels and consumers after a lost connection, but
/// not after a channel-level error (a 406 on an acknowledgement, a 404), which closes that channel for good.
///
/// Its deliveries carry the <see cref="ConsumerGroup"/>'s current ownership (docs/operations.md, "Fencing"),
/// which a shutdown of this channel ends at once: the broker requeues the deliveries and, on a
/// single-active-consumer queue, activates the next consumer.
/// </summary>
internal sealed class QueueConsumer(RequestQueue queue, ushort prefetch, SharedOwnership ownership,
    Func<QueueConsumer, IChannel, ConsumerOwnership, BasicDeliverEventArgs, Task> onDelivery) : IDisposable
{
    private readonly SemaphoreSlim _changing = new(1, 1);
    private IChannel? _channel;
    private string? _tag;
    private readonly List<ChannelAcknowledgement> _deferred = [];
    /// <summary>Environment.TickCount64 of the last delivery; 0 for none since the last cancel.</summary>
    private long _lastDelivery;

    public RequestQueue Queue { get; } = queue;

    /// <summary>
    /// True when the queue delivered something within <paramref name="window"/>: on a single-active-consumer
    /// queue the only sign that this worker is the active consumer (RabbitMQ 3.10 does not say).
    /// </summary>
    public bool DeliveredWithin(TimeSpan window)
    {
        var last = Interlocked.Read(ref _lastDelivery);
        return last != 0 && Environment.TickCount64 - last <= (long)window.TotalMilliseconds;
    }

    /// <summary>True while a consumer is registered on an open channel.</summary>
    public bool IsConsuming => _tag is not null && _channel is { IsOpen: true };

    /// <summary>Registers the consumer (opening a channel if there is none or it is closed); does nothing if it is consuming.</summary>
    public async Task ConsumeAsync(IConnection connection, CancellationToken cancellationToken)
    {
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsConsuming) return;
            if (_channel is not { IsOpen: true })
            {
                _channel?.Dispose();
                _tag = null;
                _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                _channel.ChannelShutdownAsync += OnChannelShutdownAsync;
                await _channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
            }
            var channel = _channel;
            var consumer = new AsyncEventingBasicConsumer(channel);
            // The ownership is read per delivery, not captured: after automatic recovery re-registers
            // this consumer, its deliveries carry the lost ownership until the group registers again.
            consumer.ReceivedAsync += (_, delivery) =>
            {
                Interlocked.Exchange(ref _lastDelivery, Environment.TickCount64);
                return onDelivery(this, channel, ownership.Current, delivery);
            };
            _tag = await channel.BasicConsumeAsync(Queue.Name, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>
    /// The channel shut down (a lost connection, a channel error): every delivery it carried is requeued
    /// by the broker, so none of them, nor any of the group's, is this worker's any more.
    /// </summary>
    private Task OnChannelShutdownAsync(object sender, ShutdownEventArgs args)
    {
        ownership.Lose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Keeps a delivery that arrived after the ownership was released, until the consumer is cancelled:
    /// handed back before, it would come straight back to this consumer, still the active one.
    /// </summary>
    public void Defer(ChannelAcknowledgement delivery)
    {
        lock (_deferred) _deferred.Add(delivery);
    }

    /// <summary>
    /// Cancels the consumer, once its group's ownership is released (<see cref="ConsumerGroup.GiveUpAsync"/>),
    /// then hands back the deliveries that arrived meanwhile. Deliveries already handed to jobs stay
    /// unacknowledged until their jobs hand them back, which they do since they no longer own them.
    /// </summary>
    public async Task CancelAsync(CancellationToken cancellationToken)
    {
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tag is not { } tag || _channel is not { } channel) return;
            _tag = null;
            // What it delivered so far says nothing of the registration that comes next.
            Interlocked.Exchange(ref _lastDelivery, 0);
            try
            {
                await channel.BasicCancelAsync(tag, noWait: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or OperationCanceledException or TimeoutException)
            {
                // The channel is gone already; the broker requeued its unacknowledged deliveries.
            }
            ChannelAcknowledgement[] deferred;
            lock (_deferred)
            {
                deferred = [.. _deferred];
                _deferred.Clear();
            }
            foreach (var delivery in deferred)
            {
                try
                {
                    await delivery.HandBackAsync().ConfigureAwait(false);
                }
                catch (Processing.BrokerUnavailableException)
                {
                    // The channel closed: the broker requeued it.
                }
            }
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>Closes the channel (at shutdown, after the jobs are done or handed back).</summary>
    public async Task CloseAsync()
    {
        if (_channel is not { } channel) return;
        try
        {
            await channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // Closed with the connection.
        }
    }

    public void Dispose()
    {
        _channel?.Dispose();
        _changing.Dispose();
    }
}
