using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// The other workers' completed requests, from their results (docs/operations.md, "Running several
/// workers"): while other workers are present, this worker hears every stored or cleared result that a
/// worker published (its broker-validated user_id is the workers' user) and adds the request to its own
/// duplicate memory. A request whose worker was killed after its result was confirmed but before its ack
/// comes back to the partition's next owner, which then settles it as a duplicate instead of making a
/// second token, notice and result. Not heard while this worker is alone: its own memory covers its own
/// redeliveries, and a single worker pays nothing for it.
/// </summary>
internal sealed class CompletedRequestsFeed(string resultsExchange, BrokerConnection broker, CompletedRequests completed) : IAsyncDisposable
{
    private IChannel? _channel;

    /// <summary>True while it hears the results.</summary>
    public bool IsHearing => _channel is { IsOpen: true };

    /// <summary>The headers that <see cref="BrokerMessagePublisher"/> puts on a completed request's result.</summary>
    public static Dictionary<string, object?> HeadersOf(CompletedRequest request)
    {
        var headers = new Dictionary<string, object?> { [MessageHeaders.RequestSha256] = Convert.ToHexStringLower(request.BodyDigest) };
        if (request.Producer is not null) headers[MessageHeaders.Producer] = request.Producer;
        return headers;
    }

    /// <summary>Starts hearing (an exclusive, server-named queue bound to the stored and cleared results).</summary>
    public async Task StartAsync(IConnection connection, CancellationToken cancellationToken)
    {
        if (IsHearing) return;
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var status in new[] { "stored", "cleared" })
            await channel.QueueBindAsync(queue.QueueName, resultsExchange, "*." + status, cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Heard(delivery.BasicProperties);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken).ConfigureAwait(false);
        _channel = channel;
    }

    private void Heard(IReadOnlyBasicProperties properties)
    {
        if (!properties.IsUserIdPresent() || properties.UserId != broker.UserName || !properties.IsCorrelationIdPresent()) return;
        if (properties.Headers is not { } headers || !headers.TryGetValue(MessageHeaders.RequestSha256, out var sha) || sha is not byte[] hex) return;
        byte[] digest;
        try
        {
            digest = Convert.FromHexString(Encoding.ASCII.GetString(hex));
        }
        catch (FormatException)
        {
            return;
        }
        var producer = headers.TryGetValue(MessageHeaders.Producer, out var p) && p is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;
        completed.Add(producer, properties.CorrelationId!, digest);
    }

    /// <summary>Stops hearing (this worker is alone again).</summary>
    public async Task StopAsync()
    {
        if (_channel is not { } channel) return;
        _channel = null;
        try
        {
            await channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // Closed with the connection.
        }
        channel.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
