using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Integration.Audit;

/// <summary>
/// The audit trail on the real broker (docs/audit.md): the worker declares its stream on the results
/// exchange, the broker appends every result to it, <c>shrtok audit</c> (the built binary, as an operator
/// runs it) shows each as a CADF record and filters them, and nothing in the stream is a secret.
/// </summary>
public sealed class AuditTrailTests(AuditScenario scenario) : IClassFixture<AuditScenario>
{

    [Fact]
    public async Task The_worker_declares_a_replicated_stream_bound_to_every_result()
    {
        using var management = new BrokerManagement();
        var queue = await management.QueueAsync(scenario.Worker.AuditStream);

        Assert.Equal("stream", queue.GetProperty("type").GetString());
        // Retention is the policy's: the declaration sets no age or size of its own.
        var arguments = queue.GetProperty("arguments");
        Assert.False(arguments.TryGetProperty("x-max-age", out _));
        Assert.False(arguments.TryGetProperty("x-max-length-bytes", out _));
        // Replicated: a member on each node, up to RabbitMQ's default initial cluster size of three.
        var members = queue.GetProperty("members").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(Math.Min(3, scenario.Stack.BrokerNodes), members.Count);
        Assert.Contains((scenario.Worker.ResultsExchange, "#"), await management.BindingsOfQueueAsync(scenario.Worker.AuditStream));
    }

    [Fact]
    public void Results_carry_the_channel_and_the_keyed_digest_of_the_address_never_the_address()
    {
        var first = scenario.Results[scenario.FirstEnrollment];
        Assert.Equal(ResultStatus.Stored, first.Status);
        Assert.Equal("email", first.Channel);
        Assert.Equal(Hmac(scenario.AddressKeyText, AuditScenario.AddressOf(scenario.FirstUid)), first.AddressHmac);

        var unknown = scenario.Results[scenario.UnknownUser];
        Assert.Equal(ResultStatus.Failed, unknown.Status);
        Assert.Equal("email", unknown.Channel);
        Assert.NotNull(unknown.AddressHmac);

        // A clear has no delivery; an unreadable request none that the worker could trust.
        Assert.Null(scenario.Results[scenario.Clear].Channel);
        Assert.Null(scenario.Results[scenario.Unreadable].AddressHmac);
    }

    [Fact]
    public async Task A_requester_computes_the_same_address_digest_with_openssl_and_the_key()
    {
        // docs/audit.md, "Searching by address": the key file's text is the HMAC key.
        var address = AuditScenario.AddressOf(scenario.SecondUid);
        var run = await ProcessRun.RunAsync("openssl", ["dgst", "-sha256", "-hmac", scenario.AddressKeyText], Encoding.UTF8.GetBytes(address));
        Assert.True(run.ExitCode == 0, run.Error);
        var hex = run.OutText.Trim().Split(' ')[^1];
        Assert.Equal(scenario.Results[scenario.SecondEnrollment].AddressHmac, hex);
    }

    [Fact]
    public async Task Shrtok_audit_shows_each_request_with_its_action_outcome_producer_and_observer()
    {
        var records = await AuditJsonAsync();

        AssertRecord(records, scenario.FirstEnrollment, "create/issue", "success");
        AssertRecord(records, scenario.SecondEnrollment, "create/issue", "success");
        AssertRecord(records, scenario.Clear, "delete/clear", "success");
        var unknown = AssertRecord(records, scenario.UnknownUser, "create/issue", "failure");
        Assert.Equal("unknown-uid", unknown.GetProperty("reason").GetProperty("reasonCode").GetString());
        var unreadable = AssertRecord(records, scenario.Unreadable, "create/issue", "failure");
        Assert.Equal("invalid-request", unreadable.GetProperty("reason").GetProperty("reasonCode").GetString());

        var first = records.Single(r => Attachment(r, "requestId") == scenario.FirstEnrollment);
        Assert.Equal(scenario.Producer, first.GetProperty("initiator").GetProperty("id").GetString());
        Assert.Equal(scenario.Stack.Get("STACK_RABBITMQ_WORKER_USER"), first.GetProperty("observer").GetProperty("id").GetString());
        Assert.Equal(scenario.FirstUid, first.GetProperty("target").GetProperty("name").GetString());
        Assert.Equal(scenario.Results[scenario.FirstEnrollment].TokenSha256, Attachment(first, "tokenSha256"));
        Assert.Equal(scenario.Results[scenario.FirstEnrollment].AddressHmac, Attachment(first, "addressHmac"));
        Assert.Equal("email", Attachment(first, "channel"));
        Assert.Equal("http://schemas.dmtf.org/cloud/audit/1.0/event", first.GetProperty("typeURI").GetString());
    }

    [Fact]
    public async Task Shrtok_audit_filters_by_uid_as_the_directory_folds_it_and_by_request_id()
    {
        var byUid = await AuditJsonAsync("--uid", scenario.FirstUid.ToUpperInvariant());
        Assert.Equal(new[] { scenario.FirstEnrollment, scenario.Clear }.Order(StringComparer.Ordinal),
            byUid.Select(r => Attachment(r, "requestId")!).Order(StringComparer.Ordinal));

        var byRequest = await AuditJsonAsync("--request-id", scenario.SecondEnrollment);
        Assert.Equal(scenario.SecondEnrollment, Attachment(Assert.Single(byRequest), "requestId"));

        var future = await AuditJsonAsync("--since", DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"));
        Assert.Empty(future);
    }

    [Fact]
    public async Task Shrtok_audit_prints_a_table_by_default()
    {
        var run = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "audit", "--request-id", scenario.FirstEnrollment], environment: scenario.ShrTokEnvironment());
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.OutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("TIME (UTC)", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines[1..]);
        Assert.Contains("create/issue", row, StringComparison.Ordinal);
        Assert.Contains(scenario.FirstEnrollment, row, StringComparison.Ordinal);
        Assert.Contains(scenario.Results[scenario.FirstEnrollment].TokenSha256![..12], row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_passphrase_token_pin_key_or_address_is_anywhere_in_the_stream()
    {
        var messages = await ReadStreamAsync();
        Assert.Equal(scenario.Results.Count, messages.Count);
        Assert.Contains(scenario.Secrets, s => s.What.StartsWith("passphrase", StringComparison.Ordinal));
        foreach (var (what, secret) in scenario.Secrets)
        {
            Assert.False(string.IsNullOrEmpty(secret), what);
            foreach (var message in messages)
                Assert.False(message.Contains(secret, StringComparison.OrdinalIgnoreCase), $"The {what} is in the audit stream.");
        }
    }

    private static JsonElement AssertRecord(IReadOnlyList<JsonElement> records, string requestId, string action, string outcome)
    {
        var record = Assert.Single(records, r => Attachment(r, "requestId") == requestId);
        Assert.Equal(action, record.GetProperty("action").GetString());
        Assert.Equal(outcome, record.GetProperty("outcome").GetString());
        return record;
    }

    private static string? Attachment(JsonElement record, string name) =>
        record.GetProperty("attachments").EnumerateArray().Where(a => a.GetProperty("name").GetString() == name)
            .Select(a => a.GetProperty("content").GetString()).FirstOrDefault();

    private async Task<IReadOnlyList<JsonElement>> AuditJsonAsync(params string[] filters)
    {
        var run = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "audit", "--json", .. filters], environment: scenario.ShrTokEnvironment());
        Assert.True(run.ExitCode == 0, run.Error);
        return run.OutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    /// <summary>Every message of the stream as text: its body, routing key, properties and every header value.</summary>
    private async Task<IReadOnlyList<string>> ReadStreamAsync()
    {
        await using var connection = await scenario.Stack.AdminConnectionFactory("shrtok-test-audit-reader").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, 100, false);
        var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var p = delivery.BasicProperties;
            var text = new StringBuilder()
                .AppendLine(Encoding.UTF8.GetString(delivery.Body.Span))
                .AppendLine(delivery.RoutingKey)
                .AppendLine(string.Join("|", p.MessageId, p.CorrelationId, p.UserId, p.AppId, p.Type, p.ReplyTo));
            foreach (var (name, value) in p.Headers ?? new Dictionary<string, object?>())
                text.Append(name).Append('=').AppendLine(value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            messages.Enqueue(text.ToString());
            await channel.BasicAckAsync(delivery.DeliveryTag, false);
        };
        await channel.BasicConsumeAsync(scenario.Worker.AuditStream, autoAck: false, consumerTag: "", noLocal: false, exclusive: false,
            arguments: new Dictionary<string, object?> { ["x-stream-offset"] = "first" }, consumer);
        var quietSince = DateTime.UtcNow;
        var seen = 0;
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(100);
            if (messages.Count != seen) (seen, quietSince) = (messages.Count, DateTime.UtcNow);
        }
        return messages.ToArray();
    }

    private static string Hmac(string key, string address) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(address)));
}
