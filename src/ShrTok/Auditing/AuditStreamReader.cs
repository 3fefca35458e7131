using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Broker;
using SharedSecretWorker.Contracts;

namespace ShrTok.Auditing;

/// <summary>
/// Reads the audit stream from an offset (docs/audit.md, "Reading"). A stream is consumed like a queue with
/// three differences the broker enforces (RabbitMQ streams, "Consuming in AMQP 0-9-1"): manual
/// acknowledgement, a prefetch (<c>basic.qos</c>), and <c>x-stream-offset</c> to say where to start. Reading
/// takes nothing away: the ack only moves the prefetch window on; every reader sees every record until
/// retention drops it. Without <c>follow</c> the read ends when the stream goes quiet: nothing for
/// <see cref="FirstIdle"/> at the start (the stream may be empty, or the offset past its end), then nothing for
/// <see cref="Idle"/> after the last record. A stream has no "end" a consumer could ask for.
/// </summary>
internal sealed class AuditStreamReader : IAsyncDisposable
{
    /// <summary>Quiet time that ends a read before the first record arrived.</summary>
    public static readonly TimeSpan FirstIdle = TimeSpan.FromSeconds(5);

    /// <summary>Quiet time that ends a read after a record.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    /// <summary>Records in flight from the broker before acks (the broker refuses a stream consumer without one).</summary>
    public const ushort Prefetch = 500;

    private readonly IConnection _connection;

    private AuditStreamReader(IConnection connection, string stream, string workerUser)
    {
        _connection = connection;
        Stream = stream;
        WorkerUser = workerUser;
    }

    /// <summary>The stream's name (<c>Topology:AuditStream</c>).</summary>
    public string Stream { get; }

    /// <summary>The workers' user: only records with this user_id are trusted.</summary>
    public string WorkerUser { get; }

    public static async Task<AuditStreamReader> ConnectAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var reader = configuration.GetSection(AuditReaderOptions.SectionName).Get<AuditReaderOptions>() ?? new AuditReaderOptions();
        var broker = configuration.GetSection(RabbitMqOptions.SectionName).Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        var workerUser = reader.WorkerUser;
        if (string.IsNullOrEmpty(workerUser) && !string.IsNullOrEmpty(broker.Uri)) workerUser = BrokerConnection.CreateFactory(broker).UserName;
        if (!string.IsNullOrEmpty(reader.Uri))
        {
            broker.Uri = reader.Uri;
            broker.PasswordFile = reader.PasswordFile;
            broker.Password = reader.Password;
            if (reader.Endpoints.Count > 0) broker.Endpoints = reader.Endpoints;
        }
        if (string.IsNullOrEmpty(broker.Uri))
            throw new InvalidOperationException("No broker configured: set AuditReader:Uri or RabbitMq:Uri (environment AuditReader__Uri / RabbitMq__Uri).");
        if (string.IsNullOrEmpty(workerUser))
            throw new InvalidOperationException("The workers' user is not known: set AuditReader:WorkerUser or RabbitMq:Uri.");
        var stream = configuration[$"{TopologyOptions.SectionName}:{nameof(TopologyOptions.AuditStream)}"] ?? DefaultNames.AuditStream;
        if (stream.Length == 0)
            throw new InvalidOperationException("Topology:AuditStream is empty: this site keeps no audit trail.");
        var factory = BrokerConnection.CreateFactory(broker);
        try
        {
            var connection = await factory.CreateConnectionAsync(BrokerEndpoints.Of(factory, broker.Endpoints), "shrtok audit", cancellationToken).ConfigureAwait(false);
            return new AuditStreamReader(connection, stream, workerUser);
        }
        catch (BrokerUnreachableException ex)
        {
            throw new InvalidOperationException($"Cannot connect to RabbitMQ at {BrokerConnection.Redacted(broker.Uri)}{BrokerEndpoints.Describe(broker.Endpoints)} as '{factory.UserName}': {ex.GetBaseException().Message}", ex);
        }
    }

    /// <summary>
    /// Calls <paramref name="onEntry"/> for every record from <paramref name="since"/> (null: the first the
    /// stream still holds), in stream order, until the stream is quiet (unless <paramref name="follow"/>) or
    /// <paramref name="cancellationToken"/> ends the read.
    /// </summary>
    public async Task ReadAsync(DateTimeOffset? since, bool follow, Action<AuditEntry> onEntry, CancellationToken cancellationToken)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.QueueDeclarePassiveAsync(Stream, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            throw new InvalidOperationException($"The audit stream '{Stream}' does not exist: has a worker with Topology:AuditStream='{Stream}' been started?", ex);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 403)
        {
            throw new InvalidOperationException($"This user may not read the audit stream '{Stream}': {ex.ShutdownReason.ReplyText}", ex);
        }
        await using var read = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await read.BasicQosAsync(0, Prefetch, false, cancellationToken).ConfigureAwait(false);

        var arrived = Channel.CreateUnbounded<(AuditEntry Entry, ulong Tag)>(new UnboundedChannelOptions { SingleReader = true });
        var consumer = new AsyncEventingBasicConsumer(read);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            arrived.Writer.TryWrite((EntryOf(delivery), delivery.DeliveryTag));
            return Task.CompletedTask;
        };
        // An AMQP timestamp starts at the first chunk with messages from that second on (the chunk may hold
        // older ones: the filter drops them); "first" at the oldest record retention has kept.
        object offset = since is { } start ? new AmqpTimestamp(start.ToUnixTimeSeconds()) : "first";
        await read.BasicConsumeAsync(Stream, autoAck: false, consumerTag: "", noLocal: false, exclusive: false,
            arguments: new Dictionary<string, object?> { ["x-stream-offset"] = offset }, consumer, cancellationToken).ConfigureAwait(false);

        var quiet = FirstIdle;
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (!follow) wait.CancelAfter(quiet);
            (AuditEntry Entry, ulong Tag) next;
            try
            {
                next = await arrived.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
            onEntry(next.Entry);
            // Streams require acks for the prefetch window to move on; they remove nothing.
            await read.BasicAckAsync(next.Tag, multiple: false, cancellationToken).ConfigureAwait(false);
            quiet = Idle;
        }
    }

    private static AuditEntry EntryOf(BasicDeliverEventArgs delivery)
    {
        var properties = delivery.BasicProperties;
        var headers = properties.Headers;
        long? offset = headers is not null && headers.TryGetValue("x-stream-offset", out var o) && o is long l ? l : null;
        var producer = headers is not null && headers.TryGetValue(MessageHeaders.Producer, out var p) ? p switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string text => text,
            _ => null,
        } : null;
        DateTimeOffset? timestamp = properties.IsTimestampPresent() ? DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime) : null;
        return new AuditEntry(offset, delivery.RoutingKey, properties.UserId, producer, timestamp, delivery.Body.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
