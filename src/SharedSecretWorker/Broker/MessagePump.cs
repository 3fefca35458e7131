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
    private readonly List<(IChannel Channel, string ConsumerTag)> _consumers = [];

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

    /// <summary>True once both lanes have a consumer (readiness).</summary>
    public bool IsConsuming { get; private set; }

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

        foreach (var lane in Enum.GetValues<Lane>())
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.BasicQosAsync(0, _options.EffectivePrefetch, global: false, cancellationToken).ConfigureAwait(false);
            var queue = _topology.QueueOf(lane);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(lane, queue, channel, delivery);
            var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
            _consumers.Add((channel, tag));
        }
        IsConsuming = true;
        BrokerLog.Consuming(_logger, _topology.QueueOf(Lane.Interactive), _topology.QueueOf(Lane.Bulk), _options.MaxConcurrency, _options.EffectivePrefetch);
    }

    private async Task OnDeliveryAsync(Lane lane, string queue, IChannel channel, BasicDeliverEventArgs delivery)
    {
        var message = DeliveryCopy.From(lane, queue, delivery, _broker.UserName);
        ConcurrencyGate.Slot slot;
        try
        {
            await _breakers.WaitUntilClosedAsync(_stopTaking.Token).ConfigureAwait(false);
            slot = await _gate.EnterAsync(lane, _stopTaking.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the delivery stays unacknowledged and goes back to the queue when the channel closes.
            return;
        }

        var job = Task.Run(async () =>
        {
            using (slot)
            {
                await _handler.OnMessageAsync(message, new ChannelAcknowledgement(channel, message.DeliveryTag), _abandon.Token).ConfigureAwait(false);
            }
        });
        _jobs.TryAdd(job, 0);
        _ = job.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _jobs, TaskScheduler.Default);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BrokerLog.Stopping(_logger, _options.ShutdownGrace, _jobs.Count);
        IsConsuming = false;
        await _stopTaking.CancelAsync().ConfigureAwait(false);
        foreach (var (channel, tag) in _consumers)
        {
            try
            {
                await channel.BasicCancelAsync(tag, noWait: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or OperationCanceledException or TimeoutException)
            {
                // The channel is gone already; the broker requeued its unacknowledged deliveries.
            }
        }

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

        foreach (var (channel, _) in _consumers)
        {
            try
            {
                await channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
            {
                // Closed with the connection.
            }
        }
        BrokerLog.Stopped(_logger);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var (channel, _) in _consumers) channel.Dispose();
        _stopTaking.Dispose();
        _abandon.Dispose();
        return ValueTask.CompletedTask;
    }
}
