using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Broker;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Submitting;

/// <summary>
/// Publishes requests to the worker (with publisher confirms and <c>mandatory</c>, so a request no
/// queue takes is an error, not a silent drop) and, when asked, collects their results from a
/// private queue bound to the results exchange.
/// </summary>
internal sealed class RequestProducer : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly TopologyOptions _names;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ResultMessage>> _waiting = new(StringComparer.Ordinal);
    private IChannel? _results;

    private RequestProducer(IConnection connection, IChannel channel, TopologyOptions names, string userName)
    {
        _connection = connection;
        _channel = channel;
        _names = names;
        UserName = userName;
    }

    /// <summary>The RabbitMQ user requests are sent as (their user_id).</summary>
    public string UserName { get; }

    /// <summary>The exchange and queue names in effect (section <c>Topology</c>).</summary>
    public TopologyOptions Names => _names;

    /// <summary>Another channel on the same connection (shrtok batch: its results queue, its completion event).</summary>
    public Task<IChannel> CreateChannelAsync(bool confirms, CancellationToken cancellationToken) =>
        _connection.CreateChannelAsync(confirms ? new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true) : null,
            cancellationToken);

    /// <summary>Called for every result that arrives, waited for or not.</summary>
    public Action<ResultMessage>? OnResult { get; set; }

    public static async Task<RequestProducer> ConnectAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var producer = configuration.GetSection(ProducerOptions.SectionName).Get<ProducerOptions>() ?? new ProducerOptions();
        var broker = configuration.GetSection(RabbitMqOptions.SectionName).Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        if (!string.IsNullOrEmpty(producer.Uri))
        {
            broker.Uri = producer.Uri;
            broker.PasswordFile = producer.PasswordFile;
            broker.Password = producer.Password;
            if (producer.Endpoints.Count > 0) broker.Endpoints = producer.Endpoints;
        }
        if (string.IsNullOrEmpty(broker.Uri))
            throw new InvalidOperationException("No broker configured: set Producer:Uri or RabbitMq:Uri (environment Producer__Uri / RabbitMq__Uri).");
        var names = configuration.GetSection(TopologyOptions.SectionName).Get<TopologyOptions>() ?? new TopologyOptions();
        var factory = BrokerConnection.CreateFactory(broker);
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(BrokerEndpoints.Of(factory, broker.Endpoints), "shrtok", cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerUnreachableException ex)
        {
            throw new InvalidOperationException($"Cannot connect to RabbitMQ at {BrokerConnection.Redacted(broker.Uri)}{BrokerEndpoints.Describe(broker.Endpoints)} as '{factory.UserName}': {ex.GetBaseException().Message}", ex);
        }
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
        return new RequestProducer(connection, channel, names, factory.UserName);
    }

    /// <summary>Starts collecting results (before publishing, so none is missed).</summary>
    public async Task ListenForResultsAsync(CancellationToken cancellationToken)
    {
        _results = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var queue = await _results.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _results.QueueBindAsync(queue.QueueName, _names.ResultsExchange, "#", cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_results);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            ResultMessage result;
            try
            {
                result = MessageJson.ReadResult(delivery.Body.Span);
            }
            catch (JsonException)
            {
                return Task.CompletedTask; // not ours to judge: some other producer's traffic
            }
            OnResult?.Invoke(result);
            if (result.RequestId is { } id && _waiting.TryRemove(id, out var waiter)) waiter.TrySetResult(result);
            return Task.CompletedTask;
        };
        await _results.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A task that completes with the result of <paramref name="requestId"/>; register before publishing.</summary>
    public Task<ResultMessage> ResultOf(string requestId) =>
        _waiting.GetOrAdd(requestId, _ => new TaskCompletionSource<ResultMessage>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Publishes one request body; returns once the broker confirmed it.</summary>
    public async Task PublishAsync(string requestId, string kind, bool bulk, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            ContentType = MessageJson.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = requestId,
            // RabbitMQ checks user_id against the connection's user: the worker's allow-list trusts it.
            UserId = UserName,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
        };
        // The partition key (docs/messages.md, "Partitions"): requests for one target reach one
        // partition queue. A body that is no valid request gets none; the worker refuses it anyway.
        if (RequestRouting.TargetKeyOf(body) is { } targetKey)
            properties.Headers = new Dictionary<string, object?> { [RequestRouting.TargetKeyHeader] = targetKey };
        var routingKey = RequestRouting.KeyOf(kind, bulk ? Lane.Bulk : Lane.Interactive);
        try
        {
            await _channel.BasicPublishAsync(_names.RequestsExchange, routingKey, mandatory: true, properties, body, cancellationToken).ConfigureAwait(false);
        }
        catch (PublishException ex) when (ex.IsReturn)
        {
            throw new RequestNotTakenException($"No queue took the request on exchange '{_names.RequestsExchange}' with routing key '{routingKey}': has the worker been started once (it declares the queues)?", ex);
        }
        catch (PublishException ex)
        {
            throw new RequestNotTakenException($"The broker refused the request (nack) on exchange '{_names.RequestsExchange}'.", ex);
        }
        catch (AlreadyClosedException ex)
        {
            // Closed before or after the frame went out: the confirm, if any, is gone with the channel.
            throw new PublishOutcomeUnknownException($"The connection to the broker closed before the request was confirmed: {ex.Message}", ex);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason is { Initiator: ShutdownInitiator.Peer, ReplyCode: >= 400 and < 500 })
        {
            // A channel-level error from the broker (403, 404, 406): it refused this publish.
            throw new RequestNotTakenException($"The broker refused the request: {ex.ShutdownReason.ReplyText}", ex);
        }
        catch (Exception ex) when (ex is OperationInterruptedException or IOException or ObjectDisposedException)
        {
            throw new PublishOutcomeUnknownException($"The request's publish was not confirmed: {ex.GetBaseException().Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var waiter in _waiting.Values) waiter.TrySetCanceled();
        if (_results is not null) await _results.DisposeAsync().ConfigureAwait(false);
        await _channel.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
