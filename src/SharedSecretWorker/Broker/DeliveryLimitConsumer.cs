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
/// Consumes the delivery-limit queue (<see cref="TopologyOptions.DeliveryLimitQueue"/>, bound to the
/// dead-letter exchange beside the dead-letter queue): each copy goes to processing's
/// <see cref="DeliveryLimitReporter"/>, which publishes a failed result for a request the broker
/// dead-lettered past a lane's <c>x-delivery-limit</c> and ignores the worker's own dead letters. The
/// copy is acknowledged once that result is confirmed (or when there was nothing to report), handed back
/// otherwise. Starts after <see cref="MessagePump"/>, which declares the topology.
/// </summary>
internal sealed class DeliveryLimitConsumer : IHostedService, IAsyncDisposable
{
    private const ushort Prefetch = 8;
    private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(1);

    private readonly BrokerConnection _broker;
    private readonly TopologyOptions _names;
    private readonly DeliveryLimitReporter _reporter;
    private readonly ILogger<DeliveryLimitConsumer> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private IChannel? _channel;
    private string? _consumerTag;

    public DeliveryLimitConsumer(BrokerConnection broker, IOptions<TopologyOptions> names, DeliveryLimitReporter reporter, ILogger<DeliveryLimitConsumer> logger)
    {
        _broker = broker;
        _names = names.Value;
        _reporter = reporter;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = await _broker.GetAsync(cancellationToken).ConfigureAwait(false);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, Prefetch, global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(channel, delivery);
        _consumerTag = await channel.BasicConsumeAsync(_names.DeliveryLimitQueue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        _channel = channel;
    }

    private async Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        // The lane only matters to processing's request path; the routing key still names it.
        var lane = delivery.RoutingKey.EndsWith(RequestRouting.BulkSuffix, StringComparison.Ordinal) ? Lane.Bulk : Lane.Interactive;
        var message = DeliveryCopy.From(new RequestQueue(lane, _names.DeliveryLimitQueue, Partition: null), delivery, _broker.UserName);
        try
        {
            await _reporter.ReportAsync(message, _stopping.Token).ConfigureAwait(false);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping: unacknowledged, it goes back to the queue when the channel closes.
        }
        catch (Exception ex) when (ex is BrokerUnavailableException or AlreadyClosedException or OperationInterruptedException or IOException)
        {
            BrokerLog.DeadLetterWatchFailed(_logger, _names.DeliveryLimitQueue, ex.Message);
            await HandBackAsync(channel, delivery.DeliveryTag).ConfigureAwait(false);
        }
    }

    private async Task HandBackAsync(IChannel channel, ulong deliveryTag)
    {
        try
        {
            // A short pause, so that a broker that cannot take results is not asked again in a tight loop.
            await Task.Delay(PauseAfterFailure, _stopping.Token).ConfigureAwait(false);
            await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // Stopping, or the channel is closed: the broker has requeued the copy already.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_channel is null) return;
        try
        {
            if (_consumerTag is not null) await _channel.BasicCancelAsync(_consumerTag, noWait: false, cancellationToken).ConfigureAwait(false);
            await _channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException or OperationCanceledException or TimeoutException)
        {
            // Closed with the connection; the broker requeued what was unacknowledged.
        }
    }

    public ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }
}
