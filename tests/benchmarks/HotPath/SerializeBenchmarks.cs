using BenchmarkDotNet.Attributes;
using RabbitMQ.Client;
using SharedSecretWorker.Broker;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Serialize: a stored enrollment's delivery notice and result to UTF-8 JSON (MessageJson, the
/// source-generated context with the relaxed encoder), and the publish envelope of each: the
/// OutgoingMessage as BrokerMessagePublisher builds it, then the AMQP BasicProperties and headers as
/// RabbitMqPublisher.PropertiesOf builds them for every publish; tracing is off (no listener), so no
/// trace context is injected.
/// </summary>
[MemoryDiagnoser]
public class SerializeBenchmarks
{
    private const string NoticesExchange = "shrtok.notices";
    private const string ResultsExchange = "shrtok.results";
    private const string WorkerUser = "shrtok-worker";
    private const string Producer = "idm-producer";

    private ResultMessage _result = null!;
    private DeliveryNotice _notice = null!;
    private CompletedRequest _completed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var request = new RequestParser([HotPathInputs.Channel]).Parse(HotPathInputs.EnrollmentBody(), HotPathInputs.MessageId).Request
            ?? throw new InvalidOperationException("The benchmark's enrollment body does not parse.");
        var token = HotPathInputs.Token();
        var digest = TokenDigest.Sha256Hex(token);
        var now = DateTimeOffset.UtcNow;
        using var sealer = new Delivery.PassphraseSealer(new Dictionary<string, System.Security.Cryptography.X509Certificates.X509Certificate2>
        {
            [HotPathInputs.Channel] = HotPathInputs.ChannelCertificate(),
        });
        _notice = DeliveryNotice.For(request, HotPathInputs.Dn, digest, now, sealer.SealToBase64(HotPathInputs.Channel, HotPathInputs.Passphrase()));
        _result = ResultMessage.Stored(request, HotPathInputs.Dn, digest, 1, now) with
        {
            Channel = HotPathInputs.Channel,
            AddressHmac = new string('a', 64),
        };
        _completed = new CompletedRequest(Producer, request.RequestId, CompletedRequests.Digest(HotPathInputs.EnrollmentBody()));
    }

    /// <summary>The delivery notice (with its sealed passphrase, about 0.6 KB of base64) to JSON.</summary>
    [Benchmark]
    public byte[] NoticeJson() => MessageJson.ToUtf8(_notice);

    /// <summary>The stored result (with channel and address HMAC) to JSON.</summary>
    [Benchmark]
    public byte[] ResultJson() => MessageJson.ToUtf8(_result);

    /// <summary>The notice's publish: JSON, OutgoingMessage, BasicProperties (no headers).</summary>
    [Benchmark]
    public BasicProperties NoticePublishEnvelope()
    {
        var message = new OutgoingMessage(NoticesExchange, _notice.RoutingKey(), MessageJson.ToUtf8(_notice))
        {
            MessageId = _notice.RequestId,
            CorrelationId = _notice.RequestId,
        };
        return PropertiesOf(message);
    }

    /// <summary>The result's publish: JSON, completed-request and producer headers, OutgoingMessage, BasicProperties.</summary>
    [Benchmark]
    public BasicProperties ResultPublishEnvelope()
    {
        Dictionary<string, object?>? headers = CompletedRequestsFeed.HeadersOf(_completed);
        (headers ??= [])[MessageHeaders.Producer] = Producer;
        var message = new OutgoingMessage(ResultsExchange, _result.RoutingKey(), MessageJson.ToUtf8(_result))
        {
            MessageId = _result.RequestId,
            CorrelationId = _result.RequestId,
            Mandatory = false,
            UserId = WorkerUser,
            Headers = headers,
        };
        return PropertiesOf(message);
    }

    /// <summary>The publisher's own properties builder, without a trace context.</summary>
    private static BasicProperties PropertiesOf(OutgoingMessage message) => RabbitMqPublisher.PropertiesOf(message, activity: null);
}
