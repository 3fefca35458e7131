using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Processing;

/// <summary>
/// Bad input through the real worker: each malformed message gets a failed result with the right
/// code and a dead letter, the directory is unchanged, and the worker goes on to the next message.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class MalformedRequestTests
{
    private readonly WorkerFixture _fixture;

    public MalformedRequestTests(WorkerFixture fixture) => _fixture = fixture;

    /// <summary>
    /// {ID} is the request id, {UID} a real person's uid: a bad request must not touch it. Filter
    /// characters in a uid are legal LDAP and escaped (RFC 4515), so they find nobody: unknown-uid.
    /// </summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "not json", "invalid-request" },
        { "", "invalid-request" },
        { "[]", "invalid-request" },
        { "null", "invalid-request" },
        { "{}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}} trailing", "invalid-request" },
        { "{\"version\":2,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":\"1\",\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrol\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\"}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"serial\":\"5\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"},\"passphrase\":\"x\"}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":5,\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":null,\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"j\u00f6rg\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"*\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "unknown-uid" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\")(uid=*\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "unknown-uid" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"a\\u0000b\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"pigeon\",\"address\":\"a@b\"}}", "unknown-channel" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a\\nb\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":\"email\"}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\",\"x\":1}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"},\"batchId\":\"has space\"}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{ID}\",\"serial\":\"-5\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{ID}\",\"serial\":\"abc\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{ID}\",\"serial\":\"1e10\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{ID}\",\"serial\":\"12,ou=people\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{ID}\",\"serial\":6699,\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"revocation\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"clear\",\"requestId\":\"{ID}\"}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"clear\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"serial\":\"6699\"}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"clear\",\"requestId\":\"{ID}\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"bad id with spaces\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
        { "{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"" + new string('r', 129) + "\",\"uid\":\"{UID}\",\"delivery\":{\"channel\":\"email\",\"address\":\"a@b\"}}", "invalid-request" },
    };

    [Fact]
    public async Task Every_malformed_request_fails_with_its_code_and_a_dead_letter_and_changes_nothing()
    {
        var worker = _fixture.Worker;
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        var cases = Cases().Select(row => ((string)row[0], (string)row[1])).ToList();
        Assert.True(cases.Count >= 30);

        var sent = new List<(string Id, string Code, string Body)>();
        foreach (var (template, code) in cases)
        {
            // The AMQP message_id stands in when the body has no valid requestId: every case is correlated.
            var id = "bad-" + Guid.NewGuid().ToString("N");
            var body = template.Replace("{ID}", id, StringComparison.Ordinal).Replace("{UID}", uid, StringComparison.Ordinal);
            await worker.PublishAsync("enrollment", body, messageId: id);
            sent.Add((id, code, body));
        }

        foreach (var (id, code, body) in sent)
        {
            var result = await worker.ResultAsync(id);
            Assert.True(result.Status == ResultStatus.Failed, $"{body} -> {result.Status}");
            Assert.True(code == result.Error!.Code, $"{body} -> {result.Error.Code}: {result.Error.Message}");
            Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
            Assert.Empty(worker.NoticesOf(id));
        }
        // One dead letter per case, each with its reason.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (worker.DeadLetters.Count(d => sent.Any(s => d.Body == s.Body)) < sent.Count && DateTime.UtcNow < deadline) await Task.Delay(100);
        foreach (var (_, code, body) in sent)
        {
            var dead = Assert.Single(worker.DeadLetters, d => d.Body == body);
            Assert.Equal(code, dead.Code);
            Assert.False(string.IsNullOrWhiteSpace(dead.Reason));
        }

        Assert.Empty(directory.EnrollmentTokens(uid));
        // And the worker goes on.
        var next = await worker.ResultAsync(await worker.EnrollAsync(uid));
        Assert.Equal(ResultStatus.Stored, next.Status);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused()
    {
        var worker = _fixture.Worker;
        var id = "big-" + Guid.NewGuid().ToString("N");
        var body = $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{id}\",\"uid\":\"{new string('u', 70_000)}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"a@b\"}}}}";
        await worker.PublishAsync("enrollment", body, messageId: id);
        var result = await worker.ResultAsync(id);
        Assert.Equal("invalid-request", result.Error!.Code);
    }
}
