using System.Collections.Concurrent;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace SharedSecretWorker.Broker.Partitions;

/// <summary>
/// The workers present on the broker, as their announcements on the presence exchange (fanout) tell it:
/// each worker announces its name and whether it consumes, every <see cref="TopologyOptions.PresenceInterval"/>,
/// and hears every worker's, its own included, on an exclusive queue of its own. A worker not heard for
/// three intervals is gone. RabbitMQ 3.10 tells a consumer nothing about single-active-consumer
/// activation (AMQP 0-9-1 has no such notification; consumer priorities in single-active-consumer mode
/// came with 4.0), so this is how the workers learn whom to give partitions to.
/// </summary>
internal sealed class WorkerPresence(string exchange, TimeSpan interval, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Heard, bool Consuming)> _heard = new(StringComparer.Ordinal);
    private IChannel? _channel;

    /// <summary>This worker's name: host, process and a random part, unique among the workers.</summary>
    public string Name { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Starts hearing the announcements (an exclusive, server-named queue bound to the exchange).</summary>
    public async Task StartAsync(IConnection connection, CancellationToken cancellationToken)
    {
        _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var queue = await _channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _channel.QueueBindAsync(queue.QueueName, exchange, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Heard(Encoding.UTF8.GetString(delivery.Body.Span));
            return Task.CompletedTask;
        };
        await _channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Announces this worker (unconfirmed: a lost announcement is repeated at the next interval).</summary>
    public async Task AnnounceAsync(bool consuming, CancellationToken cancellationToken)
    {
        if (_channel is not { IsOpen: true } channel) return;
        var body = Encoding.UTF8.GetBytes($"{(consuming ? "consuming" : "paused")} {Name}");
        try
        {
            await channel.BasicPublishAsync(exchange, "", mandatory: false, new BasicProperties { Expiration = ((long)(interval.TotalMilliseconds * 3)).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // The connection is recovering; the next interval announces again.
        }
    }

    /// <summary>The workers that announced they consume within the last three intervals, this one excluded.</summary>
    public IReadOnlyCollection<string> OthersConsuming()
    {
        var since = time.GetUtcNow() - 3 * interval;
        return _heard.Where(w => w.Key != Name && w.Value.Consuming && w.Value.Heard >= since).Select(w => w.Key).Order(StringComparer.Ordinal).ToArray();
    }

    private void Heard(string announcement)
    {
        var space = announcement.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0) return;
        _heard[announcement[(space + 1)..]] = (time.GetUtcNow(), announcement[..space] == "consuming");
        foreach (var (name, seen) in _heard)
        {
            if (seen.Heard < time.GetUtcNow() - 10 * interval) _heard.TryRemove(name, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is null) return;
        try
        {
            await _channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // Closed with the connection.
        }
        _channel.Dispose();
    }
}
