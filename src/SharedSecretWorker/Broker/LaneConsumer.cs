using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Broker;

/// <summary>
/// The consumer of one lane's queue, on a channel of its own. It can stop consuming (paused while a
/// circuit breaker is open, so that the queue's messages stay free for other workers) and start again,
/// and it opens a new channel when its channel was closed: RabbitMQ.Client's automatic recovery
/// re-creates channels after a lost connection, but not after a channel-level error (a 406 on an
/// acknowledgement, a 404), which closes that channel for good.
/// </summary>
internal sealed class LaneConsumer(Lane lane, string queue, ushort prefetch, Func<Lane, string, IChannel, BasicDeliverEventArgs, Task> onDelivery) : IDisposable
{
    private readonly SemaphoreSlim _changing = new(1, 1);
    private IChannel? _channel;
    private string? _tag;

    public Lane Lane { get; } = lane;

    public string Queue { get; } = queue;

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
                await _channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
            }
            var channel = _channel;
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => onDelivery(Lane, Queue, channel, delivery);
            _tag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>Cancels the consumer; deliveries already sent stay unacknowledged until settled or handed back.</summary>
    public async Task CancelAsync(CancellationToken cancellationToken)
    {
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tag is not { } tag || _channel is not { } channel) return;
            _tag = null;
            try
            {
                await channel.BasicCancelAsync(tag, noWait: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or OperationCanceledException or TimeoutException)
            {
                // The channel is gone already; the broker requeued its unacknowledged deliveries.
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
