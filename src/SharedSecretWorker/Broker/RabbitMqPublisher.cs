using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Processing;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Publishes on a few channels with publisher confirmation tracking (RabbitMQ.Client 7): each
/// BasicPublishAsync returns once the broker confirmed the message, and throws PublishException on
/// a nack or, with <c>mandatory</c> (<see cref="OutgoingMessage.Mandatory"/>), when nothing was bound
/// to take it (basic.return), which becomes <see cref="MessageUnroutableException"/>.
/// </summary>
internal sealed class RabbitMqPublisher : IPublisher, IAsyncDisposable
{
    private readonly BrokerConnection _broker;
    private readonly ILogger<RabbitMqPublisher> _logger;
    private readonly int _channelCount;
    private readonly TimeSpan _confirmTimeout;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IChannel[]? _channels;
    private int _next;

    public RabbitMqPublisher(BrokerConnection broker, IOptions<RabbitMqOptions> options, ILogger<RabbitMqPublisher> logger)
    {
        _logger = logger;
        _broker = broker;
        _channelCount = options.Value.PublishChannels;
        _confirmTimeout = options.Value.ConfirmTimeout;
    }

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var activity = WorkerTracing.StartPublish(message.Exchange, message.RoutingKey, message.Body.Length, message.MessageId, message.CorrelationId);
        try
        {
            await PublishCoreAsync(message, activity, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            WorkerTracing.Failed(activity, ex is OperationCanceledException ? "cancelled" : ex.GetType().Name);
            throw;
        }
    }

    /// <summary>The AMQP properties of <paramref name="message"/>: persistent, its ids and headers, and the trace context of <paramref name="activity"/> when there is one.</summary>
    internal static BasicProperties PropertiesOf(OutgoingMessage message, Activity? activity)
    {
        var properties = new BasicProperties
        {
            ContentType = message.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            ReplyTo = message.ReplyTo,
            AppId = message.AppId,
            Type = message.Type,
            UserId = message.UserId,
            Timestamp = new AmqpTimestamp((message.Timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()),
        };
        if (message.Expiration is { } ttl)
            properties.Expiration = ((long)Math.Max(1, ttl.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (message.Headers is { Count: > 0 } || activity is not null)
        {
            var headers = message.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(message.Headers);
            // Whoever consumes this message (a retry: this worker again) continues this trace.
            WorkerTracing.Inject(activity, headers);
            properties.Headers = headers;
        }
        return properties;
    }

    private async Task PublishCoreAsync(OutgoingMessage message, Activity? activity, CancellationToken cancellationToken)
    {
        var channels = _channels ?? await OpenAsync(cancellationToken).ConfigureAwait(false);
        var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)channels.Length);
        var channel = channels[index];
        // A channel-level error (a 404 or 406 from the broker) closes a channel for good: automatic
        // recovery re-creates channels only after a lost connection. Such a channel is replaced here,
        // before it fails every publish that comes to it in turn.
        if (channel.IsClosed && _broker.IsOpen && !_broker.IsRecovering) channel = await ReopenAsync(channels, index, channel, cancellationToken).ConfigureAwait(false);
        var properties = PropertiesOf(message, activity);

        var started = Stopwatch.GetTimestamp();
        // A confirm can be lost with the connection it was awaited on; without a bound, the job
        // (and its concurrency slot) would wait for it for ever. Past the bound the publish counts
        // as failed: the delivery is not acked and comes back (at least once, never lost).
        using var confirmWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        confirmWait.CancelAfter(_confirmTimeout);
        try
        {
            await channel.BasicPublishAsync(message.Exchange, message.RoutingKey, message.Mandatory, properties, message.Body, confirmWait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw new BrokerUnavailableException($"The broker did not confirm the message to '{message.Exchange}' within {_confirmTimeout} ({RabbitMqOptions.SectionName}:ConfirmTimeout).", ex);
        }
        catch (PublishException ex) when (ex.IsReturn)
        {
            throw new MessageUnroutableException(
                $"The broker returned the message to '{message.Exchange}' ({message.RoutingKey}) as unroutable: no queue is bound to receive it.", ex);
        }
        catch (PublishException ex)
        {
            throw new BrokerUnavailableException($"The broker did not confirm the message to '{message.Exchange}' ({message.RoutingKey}): nack.", ex);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw new BrokerUnavailableException($"Publishing to '{message.Exchange}' failed: {ex.GetBaseException().Message}", ex);
        }
        WorkerMetrics.Confirmed(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private async Task<IChannel> ReopenAsync(IChannel[] channels, int index, IChannel closed, CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(channels[index], closed)) return channels[index];
            var connection = await _broker.GetAsync(cancellationToken).ConfigureAwait(false);
            var reason = closed.CloseReason?.ToString() ?? "closed";
            var fresh = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken).ConfigureAwait(false);
            channels[index] = fresh;
            closed.Dispose();
            BrokerLog.PublishChannelReopened(_logger, reason);
            return fresh;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not InvalidOperationException)
        {
            throw new BrokerUnavailableException($"Cannot open a publishing channel: {ex.GetBaseException().Message}", ex);
        }
        finally
        {
            _opening.Release();
        }
    }

    private async Task<IChannel[]> OpenAsync(CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channels is not null) return _channels;
            var connection = await _broker.GetAsync(cancellationToken).ConfigureAwait(false);
            var options = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
            var channels = new IChannel[_channelCount];
            for (var i = 0; i < channels.Length; i++)
                channels[i] = await connection.CreateChannelAsync(options, cancellationToken).ConfigureAwait(false);
            _channels = channels;
            return channels;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not InvalidOperationException)
        {
            throw new BrokerUnavailableException($"Cannot open a publishing channel: {ex.GetBaseException().Message}", ex);
        }
        finally
        {
            _opening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels ?? [])
        {
            try
            {
                await channel.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
            {
                // The connection is already gone; the broker released the channel with it.
            }
            channel.Dispose();
        }
        _opening.Dispose();
    }
}
