using System.Collections.Concurrent;
using System.DirectoryServices.Protocols;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Sealing;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Hosting;

namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>
/// The real worker, hosted in the test process against the local stack (RabbitMQ, 389 DS,
/// SoftHSM2), with its own exchanges and queues (a unique prefix per instance, inside the
/// worker user's <c>shrtok.</c> permission) so that tests run side by side. It records every
/// result, notice and dead letter its topology produces.
/// </summary>
public sealed class WorkerUnderTest : IAsyncDisposable
{
    private readonly StackEnvironment _stack = StackEnvironment.Load();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ResultMessage>> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ResultMessage> _resultsInOrder = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DeliveryNotice>> _notices = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Body, string Code, string Reason)> _deadLetters = new();
    private readonly ConcurrentQueue<(string Body, IReadOnlyDictionary<string, string> Headers)> _deadLetterHeaders = new();
    private readonly ConcurrentQueue<DeliveryNotice> _noticesInOrder = new();
    private readonly ConcurrentQueue<ObservedDeadLetter> _deadLetterCopies = new();
    private readonly ConcurrentQueue<(TokenConsumedEvent Event, IReadOnlyBasicProperties Properties)> _consumed = new();
    private readonly ConcurrentQueue<(TokenExpiredEvent Event, IReadOnlyBasicProperties Properties)> _expired = new();
    private IHost? _host;
    private IConnection? _admin;
    private IChannel? _observer;
    private IChannel? _publisher;

    private WorkerUnderTest(string prefix) => Prefix = prefix;

    /// <summary>The prefix of this instance's exchanges and queues.</summary>
    public string Prefix { get; }

    public string RequestsExchange => Prefix + ".requests";
    public string ResultsExchange => Prefix + ".results";
    public string NoticesExchange => Prefix + ".notices";
    public string DeadLetterQueue => Prefix + ".dead";

    /// <summary>This instance's audit stream; declared only by a worker started with <c>auditStream: true</c>.</summary>
    public string AuditStream => Prefix + ".audit";

    private bool _auditStream;

    /// <summary>Partition queues per lane (the default unless a test sets <c>Topology:Partitions</c>).</summary>
    public int Partitions { get; private set; } = SharedSecretWorker.Broker.TopologyOptions.DefaultPartitions;

    /// <summary>Partition queue <paramref name="partition"/> of a lane (<c>interactive</c> or <c>bulk</c>).</summary>
    public string PartitionQueue(string lane, int partition) => $"{Prefix}.requests.{lane}.p{partition:D2}";

    /// <summary>The connection name (RabbitMq:ClientName) of workers configured by <see cref="Configuration"/>.</summary>
    public string WorkerConnectionName => Prefix + ".worker";

    /// <summary>Dead letters seen so far: body, error code, reason.</summary>
    public IReadOnlyCollection<(string Body, string Code, string Reason)> DeadLetters => _deadLetters;

    /// <summary>Starts the worker with the stack's configuration plus <paramref name="overrides"/> (configuration keys with ':').</summary>
    /// <param name="overrides">Configuration on top of the stack's.</param>
    /// <param name="logging">Changes the worker's logging (level, providers) after the default console at Warning.</param>
    /// <param name="auditStream">Declare this instance's audit stream (<see cref="AuditStream"/>); off otherwise.</param>
    public static async Task<WorkerUnderTest> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null, Action<ILoggingBuilder>? logging = null,
        bool auditStream = false)
    {
        var worker = new WorkerUnderTest(NewPrefix()) { _auditStream = auditStream };
        await worker.StartCoreAsync(overrides ?? new Dictionary<string, string?>(), logging);
        return worker;
    }

    /// <summary>
    /// Only the observing side, for a worker run elsewhere (a separate process in the fault tests)
    /// with <see cref="Configuration"/>: records the results, notices and dead letters of a fresh topology.
    /// </summary>
    /// <param name="brokerNodes">The broker nodes (1 … N) the observer may connect to; all when null. A fault
    /// test that stops a node keeps the observer off it: a connection recovering while quorum queues elect
    /// new leaders can fail its topology recovery for good, and the observer would stop hearing.</param>
    public static async Task<WorkerUnderTest> ObserveAsync(IReadOnlyCollection<int>? brokerNodes = null)
    {
        var worker = new WorkerUnderTest(NewPrefix()) { _observerNodes = brokerNodes };
        await worker.ObserveCoreAsync();
        return worker;
    }

    private IReadOnlyCollection<int>? _observerNodes;

    /// <summary>The test workers' retry delays (ms), each a delay queue per lane.</summary>
    private static readonly int[] RetryDelayMilliseconds = [500, 500, 1000, 1000, 2000, 2000, 5000];

    private static string NewPrefix() => "shrtok.t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The worker configuration for the stack (worker.env) plus this instance's topology names.</summary>
    public Dictionary<string, string?> Configuration(IReadOnlyDictionary<string, string?> overrides)
    {
        var settings = StackConfiguration(_stack, Prefix);
        // Named after the topology, so that a fault test can find this worker's connection.
        settings["RabbitMq:ClientName"] = WorkerConnectionName;
        // Short delays so that retry tests finish quickly; the attempts are what matters.
        // Short delays, seven of them (as many as the defaults), about 12 s in all: long enough for a
        // fault test's outage while the breakers hold new work back, short enough for a test.
        for (var i = 0; i < RetryDelayMilliseconds.Length; i++)
            settings[$"Retry:Delays:{i}"] = TimeSpan.FromMilliseconds(RetryDelayMilliseconds[i]).ToString();
        settings["CircuitBreaker:ProbeInterval"] = "00:00:00.500";
        settings["Worker:ShutdownGrace"] = "00:00:10";
        // Tests publish as the stack's admin user (without user_id) or, through shrtok, as the worker's
        // user, not as the identity-management user worker.env lists: the producer allow-list is off
        // unless a test sets Security keys of its own (ProducerAllowListTests, ForgedHeaderTests).
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Security:", StringComparison.OrdinalIgnoreCase)).ToList()) settings.Remove(key);
        settings["Security:AllowAnyProducer"] = "true";
        // Every worker of every test would watch the one directory and race for each used token:
        // the token lifecycle's tests turn it on for their own worker.
        settings["Lifecycle:Enabled"] = "false";
        // A stream per test worker would be a replicated log on every node for each test: only the audit
        // trail's tests declare one, for their own worker.
        settings["Topology:AuditStream"] = _auditStream ? AuditStream : "";
        foreach (var (key, value) in overrides) settings[key] = value;
        return settings;
    }

    /// <summary>
    /// The worker configuration for <paramref name="stack"/> (its worker.env, keys with ':') with the
    /// exchanges and queues named after <paramref name="prefix"/>, and no HTTP listener. The rest
    /// (retry delays, grace periods) is as worker.env and the defaults have it.
    /// </summary>
    public static Dictionary<string, string?> StackConfiguration(StackEnvironment stack, string prefix)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in stack.WorkerEnvironment())
        {
            if (key.Contains("__", StringComparison.Ordinal)) settings[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        settings["Topology:RequestsExchange"] = prefix + ".requests";
        settings["Topology:InteractiveQueue"] = prefix + ".requests.interactive";
        settings["Topology:BulkQueue"] = prefix + ".requests.bulk";
        settings["Topology:ResultsExchange"] = prefix + ".results";
        settings["Topology:NoticesExchange"] = prefix + ".notices";
        settings["Topology:DeadLetterExchange"] = prefix + ".dead-letter";
        settings["Topology:DeadLetterQueue"] = prefix + ".dead";
        settings["Topology:RetryExchange"] = prefix + ".retry";
        settings["Topology:DelayQueuePrefix"] = prefix + ".delay";
        settings["Topology:PresenceExchange"] = prefix + ".workers";
        settings["Topology:DeliveryLimitQueue"] = prefix + ".delivery-limit";
        // No HTTP listener (metrics, /healthz): several workers run at once and would all want port
        // 9464. Telemetry tests set a free port of their own.
        settings["Telemetry:PrometheusEndpoint"] = "";
        return settings;
    }

    /// <summary>
    /// Starts another worker in this process on this instance's topology (a second worker of the same
    /// site), its broker connection named <paramref name="clientName"/>. Disposing it stops it.
    /// </summary>
    public async Task<IAsyncDisposable> StartPeerAsync(string clientName, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = Configuration(overrides ?? new Dictionary<string, string?>());
        settings["RabbitMq:ClientName"] = clientName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        WorkerHost.AddWorker(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new PeerWorker(host);
    }

    private sealed class PeerWorker(IHost host) : IAsyncDisposable
    {
        private int _disposed;

        /// <summary>Stops the worker; a second call does nothing.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            await host.StopAsync();
            host.Dispose();
        }
    }

    private async Task StartCoreAsync(IReadOnlyDictionary<string, string?> overrides, Action<ILoggingBuilder>? logging)
    {
        var settings = Configuration(overrides);
        if (settings.TryGetValue("Topology:Partitions", out var partitions) && int.TryParse(partitions, out var count)) Partitions = count;
        // SoftHSM2 reads SOFTHSM2_CONF (natively) when the module initialises: NativeEnvironment's
        // module initializer has set it for this test process.

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        WorkerHost.AddWorker(builder.Services, builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();

        await ObserveCoreAsync();
    }

    private async Task ObserveCoreAsync()
    {
        var factory = _stack.AdminConnectionFactory("shrtok-test-observer");
        // Every node: the observer fails over, as the workers do, when a fault test stops one.
        var endpoints = _stack.BrokerEndpoints();
        _admin = await factory.CreateConnectionAsync(_observerNodes is null ? endpoints : _observerNodes.Select(n => endpoints[n - 1]).ToList());
        _observer = await _admin.CreateChannelAsync();
        _publisher = await _admin.CreateChannelAsync(new CreateChannelOptions(true, true));
        // Declared as the worker declares them (Broker/Topology), so that observing can start
        // before a separate worker process has run; declaring the same again is a no-op.
        await _observer.ExchangeDeclareAsync(ResultsExchange, ExchangeType.Topic, durable: true);
        await _observer.ExchangeDeclareAsync(NoticesExchange, ExchangeType.Topic, durable: true);
        await _observer.ExchangeDeclareAsync(Prefix + ".dead-letter", ExchangeType.Fanout, durable: true);
        await _observer.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await _observer.QueueBindAsync(DeadLetterQueue, Prefix + ".dead-letter", "");

        // Durable named queues, not exclusive ones: results and notices published while the broker
        // restarts (fault tests) must still reach the observer when its connection recovers.
        var results = await DeclareObserverQueueAsync("results", ResultsExchange);
        await ConsumeAsync(results, (properties, body, routingKey) =>
        {
            if (routingKey.EndsWith("." + TokenConsumedEvent.RoutingKeyWord, StringComparison.Ordinal))
            {
                _consumed.Enqueue((MessageJson.ReadConsumed(body), properties));
                return;
            }
            if (routingKey.EndsWith("." + TokenExpiredEvent.RoutingKeyWord, StringComparison.Ordinal))
            {
                _expired.Enqueue((MessageJson.ReadExpired(body), properties));
                return;
            }
            var result = MessageJson.ReadResult(body);
            if (result.RequestId is { } id)
            {
                ResultSlot(id).TrySetResult(result);
                _resultsInOrder.Enqueue(result);
            }
        });

        var notices = await DeclareObserverQueueAsync("notices", NoticesExchange);
        await ConsumeAsync(notices, (_, body) =>
        {
            var notice = MessageJson.ReadNotice(body);
            _notices.GetOrAdd(notice.RequestId, _ => new ConcurrentQueue<DeliveryNotice>()).Enqueue(notice);
            _noticesInOrder.Enqueue(notice);
        });

        await ConsumeAsync(DeadLetterQueue, (properties, body) =>
        {
            var headers = properties.Headers ?? new Dictionary<string, object?>();
            _deadLetters.Enqueue((Encoding.UTF8.GetString(body), Text(headers, "x-shrtok-error-code"), Text(headers, "x-shrtok-reason")));
            _deadLetterHeaders.Enqueue((Encoding.UTF8.GetString(body), headers.ToDictionary(h => h.Key, h => HeaderText(h.Value), StringComparer.Ordinal)));
            _deadLetterCopies.Enqueue(new ObservedDeadLetter(body, properties.MessageId, properties.CorrelationId, properties.ReplyTo, properties.AppId,
                new Dictionary<string, object?>(headers)));
        });
    }

    private async Task<string> DeclareObserverQueueAsync(string what, string exchange)
    {
        var queue = $"{Prefix}.observer.{what}";
        await _observer!.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await _observer.QueueBindAsync(queue, exchange, "#");
        return queue;
    }

    private Task ConsumeAsync(string queue, Action<IReadOnlyBasicProperties, byte[]> handle) =>
        ConsumeAsync(queue, (properties, body, _) => handle(properties, body));

    private async Task ConsumeAsync(string queue, Action<IReadOnlyBasicProperties, byte[], string> handle)
    {
        var consumer = new AsyncEventingBasicConsumer(_observer!);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            handle(delivery.BasicProperties, delivery.Body.ToArray(), delivery.RoutingKey);
            return Task.CompletedTask;
        };
        await _observer!.BasicConsumeAsync(queue, autoAck: true, consumer);
    }

    private static string HeaderText(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => "",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string Text(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "";

    private TaskCompletionSource<ResultMessage> ResultSlot(string requestId) =>
        _results.GetOrAdd(requestId, _ => new TaskCompletionSource<ResultMessage>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>
    /// Publishes a raw body (as the stack's admin user, who sets no user_id unless given), with its target
    /// key as every producer of the contract library sets it, unless <paramref name="keyed"/> is false.
    /// </summary>
    public async Task PublishAsync(string routingKey, string body, string? messageId = null, string? userId = null, bool keyed = true)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = messageId,
            UserId = userId,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
        };
        if (keyed && RequestRouting.TargetKeyOf(bytes) is { } key)
            properties.Headers = new Dictionary<string, object?> { [RequestRouting.TargetKeyHeader] = key };
        await _publisher!.BasicPublishAsync(RequestsExchange, routingKey, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Publishes a raw body with the given properties.</summary>
    public async Task PublishAsync(string routingKey, byte[] body, BasicProperties properties) =>
        await _publisher!.BasicPublishAsync(RequestsExchange, routingKey, mandatory: true, properties, body);

    /// <summary>From now on the observer receives only the notices of <paramref name="channels"/>: the others no queue receives.</summary>
    public async Task ObserveNoticesOnlyOfAsync(params string[] channels)
    {
        var queue = $"{Prefix}.observer.notices";
        foreach (var channel in channels) await _observer!.QueueBindAsync(queue, NoticesExchange, channel);
        await _observer!.QueueUnbindAsync(queue, NoticesExchange, "#");
    }

    /// <summary>How many consumers a queue has now (the broker's count).</summary>
    public async Task<uint> ConsumerCountAsync(string queue)
    {
        await using var channel = await _admin!.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
    }

    /// <summary>Deletes a queue of this instance's topology (as an operator might by mistake).</summary>
    public async Task DeleteQueueAsync(string queue)
    {
        await using var channel = await _admin!.CreateChannelAsync();
        await channel.QueueDeleteAsync(queue, false, false);
    }

    /// <summary>Waits until a dead letter matching <paramref name="match"/> arrived, with its properties.</summary>
    public async Task<ObservedDeadLetter> DeadLetterCopyAsync(Func<ObservedDeadLetter, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var letter in _deadLetterCopies)
                if (match(letter)) return letter;
            await Task.Delay(50);
        }
        throw new TimeoutException("no matching dead letter");
    }

    /// <summary>Publishes an enrollment for <paramref name="uid"/> on channel email; returns its request id.</summary>
    public async Task<string> EnrollAsync(string uid, string channel = "email", string? batchId = null, bool keyed = true)
    {
        var id = "t-" + Guid.NewGuid().ToString("N");
        var batch = batchId is null ? "" : $", \"batchId\": \"{batchId}\"";
        await PublishAsync(batchId is null ? "enrollment" : "enrollment.bulk",
            $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{id}\",\"uid\":\"{uid}\",\"delivery\":{{\"channel\":\"{channel}\",\"address\":\"{uid}@example.com\"}}{batch}}}",
            keyed: keyed);
        return id;
    }

    /// <summary>Messages waiting in a queue now (the broker's count).</summary>
    public async Task<uint> MessageCountAsync(string queue)
    {
        await using var channel = await _admin!.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    /// <summary>Waits for the result of <paramref name="requestId"/>.</summary>
    public Task<ResultMessage> ResultAsync(string requestId, TimeSpan? timeout = null) =>
        ResultSlot(requestId).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Every result received so far, repeats included, in arrival order.</summary>
    public IReadOnlyList<ResultMessage> AllResults => _resultsInOrder.ToArray();

    /// <summary>Results received so far (the first of each request).</summary>
    public IReadOnlyList<ResultMessage> Results =>
        _results.Values.Where(r => r.Task.IsCompletedSuccessfully).Select(r => r.Task.Result).ToList();

    /// <summary>Every <c>KIND.consumed</c> event received so far, repeats included, in arrival order.</summary>
    public IReadOnlyList<TokenConsumedEvent> ConsumedEvents => _consumed.Select(c => c.Event).ToList();

    /// <summary>Waits for a <c>KIND.consumed</c> event matching <paramref name="match"/>; returns it with its AMQP properties.</summary>
    public async Task<(TokenConsumedEvent Event, IReadOnlyBasicProperties Properties)> ConsumedAsync(Func<TokenConsumedEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var consumed in _consumed)
                if (match(consumed.Event)) return consumed;
            await Task.Delay(50);
        }
        throw new TimeoutException("no matching consumed event");
    }

    /// <summary>Every <c>KIND.expired</c> event received so far, repeats included, in arrival order.</summary>
    public IReadOnlyList<TokenExpiredEvent> ExpiredEvents => _expired.Select(c => c.Event).ToList();

    /// <summary>Waits for a <c>KIND.expired</c> event matching <paramref name="match"/>; returns it with its AMQP properties.</summary>
    public async Task<(TokenExpiredEvent Event, IReadOnlyBasicProperties Properties)> ExpiredAsync(Func<TokenExpiredEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var expired in _expired)
                if (match(expired.Event)) return expired;
            await Task.Delay(50);
        }
        throw new TimeoutException("no matching expired event");
    }

    /// <summary>Every notice received so far, in arrival order (one consumer: the broker's order).</summary>
    public IReadOnlyList<DeliveryNotice> Notices => _noticesInOrder.ToArray();

    /// <summary>Notices seen for <paramref name="requestId"/>.</summary>
    public IReadOnlyCollection<DeliveryNotice> NoticesOf(string requestId) =>
        _notices.TryGetValue(requestId, out var queue) ? queue.ToArray() : [];

    /// <summary>Waits until a dead letter matching <paramref name="match"/> arrived.</summary>
    public async Task<(string Body, string Code, string Reason)> DeadLetterAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var letter in _deadLetters)
                if (match(letter.Body)) return letter;
            await Task.Delay(50);
        }
        throw new TimeoutException("no matching dead letter");
    }

    /// <summary>Waits until a dead letter matching <paramref name="match"/> arrived; returns its headers as text.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DeadLetterHeadersAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var letter in _deadLetterHeaders)
                if (match(letter.Body)) return letter.Headers;
            await Task.Delay(50);
        }
        throw new TimeoutException("no matching dead letter");
    }

    /// <summary>Opens a notice's sealed passphrase with the stack's channel key.</summary>
    public string OpenNotice(DeliveryNotice notice)
    {
        var channel = notice.Delivery.Channel.ToUpperInvariant();
        using var unsealer = PassphraseUnsealer.Load(_stack.Get($"STACK_CHANNEL_{channel}_KEY"), _stack.Get($"STACK_CHANNEL_{channel}_CERT"));
        return Encoding.UTF8.GetString(unsealer.UnsealBase64(notice.SealedPassphrase));
    }

    /// <summary>Decrypts a token the way the CA does, with the stack's issuance protection key.</summary>
    public string DecryptToken(string token, KeyWrap wrap)
    {
        using var decryptor = SharedTokenDecryptor.FromKeyFile(_stack.Get("STACK_ISSUANCE_PROTECTION_KEY"), wrap);
        return decryptor.DecryptToString(token);
    }

    /// <summary>Starts the worker again after <see cref="StopWorkerAsync"/>, with the same topology and <paramref name="overrides"/>.</summary>
    public async Task RestartWorkerAsync(IReadOnlyDictionary<string, string?>? overrides = null, Action<ILoggingBuilder>? logging = null)
    {
        if (_host is not null) throw new InvalidOperationException("The worker is running.");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(Configuration(overrides ?? new Dictionary<string, string?>()));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        WorkerHost.AddWorker(builder.Services, builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
    }

    /// <summary>Stops the worker but keeps its topology and the observing side: requests published now stay queued.</summary>
    public async Task StopWorkerAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
        _host = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (_observer is not null) await _observer.DisposeAsync();
        if (_publisher is not null) await _publisher.DisposeAsync();
        if (_admin is not null)
        {
            await DeleteTopologyAsync();
            await _admin.DisposeAsync();
        }
    }

    /// <summary>Removes this instance's queues and exchanges so test runs leave the broker clean.</summary>
    private async Task DeleteTopologyAsync()
    {
        await using var channel = await _admin!.CreateChannelAsync();
        foreach (var lane in new[] { "interactive", "bulk" })
        {
            await channel.QueueDeleteAsync($"{Prefix}.requests.{lane}", false, false);
            for (var p = 0; p < Partitions; p++) await channel.QueueDeleteAsync($"{Prefix}.requests.{lane}.p{p:D2}", false, false);
            foreach (var ms in RetryDelayMilliseconds.Distinct())
            {
                await channel.QueueDeleteAsync($"{Prefix}.retry.{lane}.{ms}", false, false);
                await channel.QueueDeleteAsync($"{Prefix}.delay.{lane}.{ms}", false, false);
            }
            await channel.ExchangeDeleteAsync($"{Prefix}.requests.{lane}.partitions", false);
        }
        await channel.QueueDeleteAsync(DeadLetterQueue, false, false);
        await channel.QueueDeleteAsync(Prefix + ".delivery-limit", false, false);
        await channel.QueueDeleteAsync(AuditStream, false, false);
        await channel.QueueDeleteAsync($"{Prefix}.observer.results", false, false);
        await channel.QueueDeleteAsync($"{Prefix}.observer.notices", false, false);
        foreach (var exchange in new[] { "requests", "results", "notices", "dead-letter", "retry", "workers" })
            await channel.ExchangeDeleteAsync($"{Prefix}.{exchange}", false);
    }
}
