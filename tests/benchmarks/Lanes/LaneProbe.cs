using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using SharedSecretWorker.Contracts.Requests;
using RabbitMQ.Client.Events;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Benchmarks.Lanes;

/// <summary>
/// The interactive side and the observer: sends single enrollments on the interactive lane one at a
/// time, measuring publish-to-result latency, and watches every result of the topology so the
/// batch's own drain rate is known independently of the CLI.
/// </summary>
internal sealed class LaneProbe : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _publisher;
    private readonly IChannel _observer;
    private readonly string _requestsExchange;
    private readonly string _batchId;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ResultMessage>> _waiting = new(StringComparer.Ordinal);
    private long _bulkResults;
    private long _bulkFailed;
    private long _firstBulkTicks;
    private long _lastBulkTicks;

    private LaneProbe(IConnection connection, IChannel publisher, IChannel observer, string requestsExchange, string batchId)
    {
        _connection = connection;
        _publisher = publisher;
        _observer = observer;
        _requestsExchange = requestsExchange;
        _batchId = batchId;
    }

    public long BulkResults => Interlocked.Read(ref _bulkResults);
    public long BulkFailed => Interlocked.Read(ref _bulkFailed);

    /// <summary>Time from the batch's first result to its last.</summary>
    public TimeSpan BulkSpan => Stopwatch.GetElapsedTime(Interlocked.Read(ref _firstBulkTicks), Interlocked.Read(ref _lastBulkTicks));

    public static async Task<LaneProbe> StartAsync(StackEnvironment stack, string requestsExchange, string resultsExchange, string noticesExchange, string batchId)
    {
        var factory = new ConnectionFactory
        {
            HostName = stack.Get("STACK_RABBITMQ_HOST"),
            Port = int.Parse(stack.Get("STACK_RABBITMQ_PORT"), CultureInfo.InvariantCulture),
            VirtualHost = stack.Get("STACK_RABBITMQ_VHOST"),
            UserName = stack.Get("STACK_RABBITMQ_ADMIN_USER"),
            Password = stack.Get("STACK_RABBITMQ_ADMIN_PASSWORD"),
            ClientProvidedName = "shrtok-lanes-probe",
        };
        var connection = await factory.CreateConnectionAsync();
        var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        var observer = await connection.CreateChannelAsync();
        var probe = new LaneProbe(connection, publisher, observer, requestsExchange, batchId);
        await observer.ExchangeDeclareAsync(resultsExchange, ExchangeType.Topic, durable: true);
        var queue = await observer.QueueDeclareAsync("", false, true, true);
        await observer.QueueBindAsync(queue.QueueName, resultsExchange, "#");
        var consumer = new AsyncEventingBasicConsumer(observer);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            probe.OnResult(delivery.Body.Span);
            return Task.CompletedTask;
        };
        await observer.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        // Notices are published mandatory: a hand-off queue must take them, or the worker retries and fails them.
        await observer.ExchangeDeclareAsync(noticesExchange, ExchangeType.Topic, durable: true);
        var notices = await observer.QueueDeclareAsync("", false, true, true);
        await observer.QueueBindAsync(notices.QueueName, noticesExchange, "#");
        await observer.BasicConsumeAsync(notices.QueueName, autoAck: true, new AsyncEventingBasicConsumer(observer));
        return probe;
    }

    private void OnResult(ReadOnlySpan<byte> body)
    {
        ResultMessage result;
        try
        {
            result = MessageJson.ReadResult(body);
        }
        catch (JsonException)
        {
            return; // batch.completed
        }
        if (result.BatchId == _batchId)
        {
            var now = Stopwatch.GetTimestamp();
            Interlocked.CompareExchange(ref _firstBulkTicks, now, 0);
            Interlocked.Exchange(ref _lastBulkTicks, now);
            Interlocked.Increment(ref _bulkResults);
            if (result.Status == ResultStatus.Failed) Interlocked.Increment(ref _bulkFailed);
        }
        else if (result.RequestId is { } id && _waiting.TryRemove(id, out var waiter))
        {
            waiter.TrySetResult(result);
        }
    }

    /// <summary>One interactive enrollment, publish to result; null when it timed out or failed.</summary>
    public async Task<TimeSpan?> EnrollAsync(string uid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = "lanes-" + Guid.NewGuid().ToString("N");
        var waiter = new TaskCompletionSource<ResultMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = waiter;
        var body = Encoding.UTF8.GetBytes(
            $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{id}\",\"uid\":\"{uid}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"{uid}@example.com\"}}}}");
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = id,
            Headers = new Dictionary<string, object?> { [RequestRouting.TargetKeyHeader] = RequestRouting.TargetKeyOf(body) },
        };
        var started = Stopwatch.GetTimestamp();
        await _publisher.BasicPublishAsync(_requestsExchange, "enrollment", mandatory: true, properties, body, cancellationToken);
        try
        {
            var result = await waiter.Task.WaitAsync(timeout, cancellationToken);
            return result.Status == ResultStatus.Stored ? Stopwatch.GetElapsedTime(started) : null;
        }
        catch (TimeoutException)
        {
            _waiting.TryRemove(id, out _);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _observer.DisposeAsync();
        await _publisher.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
