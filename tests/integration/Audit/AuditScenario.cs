using System.Text;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Audit;

/// <summary>
/// One worker with its own audit stream, and the requests whose records the audit tests read: two
/// enrollments (as a producer with a user_id), a clear of the first, an enrollment for a uid the directory
/// does not hold (a failure of a readable request) and an unreadable request (a requester's fault). It
/// keeps every secret those requests produced, so that the tests can look for them in the stream.
/// </summary>
public sealed class AuditScenario : IAsyncLifetime
{
    public WorkerUnderTest Worker { get; private set; } = null!;
    public StackEnvironment Stack { get; } = StackEnvironment.Load();

    /// <summary>The user the requests were sent as (their user_id): the stack's admin.</summary>
    public string Producer => Stack.Get("STACK_RABBITMQ_ADMIN_USER");

    public string FirstUid { get; private set; } = "";
    public string SecondUid { get; private set; } = "";
    public string FirstEnrollment { get; } = "audit-" + Guid.NewGuid().ToString("N");
    public string SecondEnrollment { get; } = "audit-" + Guid.NewGuid().ToString("N");
    public string Clear { get; } = "audit-" + Guid.NewGuid().ToString("N");
    public string UnknownUser { get; } = "audit-" + Guid.NewGuid().ToString("N");
    public string Unreadable { get; } = "audit-" + Guid.NewGuid().ToString("N");

    public IReadOnlyDictionary<string, ResultMessage> Results { get; private set; } = new Dictionary<string, ResultMessage>();

    /// <summary>Every address, passphrase, token and key the scenario used: none may be in the stream.</summary>
    public IReadOnlyList<(string What, string Secret)> Secrets { get; private set; } = [];

    public static string AddressOf(string uid) => $"{uid}.Audit@Example.com";

    public async Task InitializeAsync()
    {
        Worker = await WorkerUnderTest.StartAsync(auditStream: true);
        using var directory = new DirectoryProbe();
        FirstUid = directory.CreatePerson();
        SecondUid = directory.CreatePerson();
        var secrets = new List<(string, string)>();

        await EnrollAsync(FirstEnrollment, FirstUid);
        var firstToken = Assert.Single(directory.EnrollmentTokens(FirstUid));
        await EnrollAsync(SecondEnrollment, SecondUid);
        var secondToken = Assert.Single(directory.EnrollmentTokens(SecondUid));
        await PublishAsync("clear", $"{{\"version\":1,\"kind\":\"clear\",\"requestId\":\"{Clear}\",\"uid\":\"{FirstUid}\"}}");
        await EnrollAsync(UnknownUser, "nobody" + Guid.NewGuid().ToString("N")[..10]);
        // No uid: the parser refuses it (invalid-request), the requester's fault.
        await PublishAsync("enrollment", $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{Unreadable}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"{AddressOf("unreadable")}\"}}}}");

        var results = new Dictionary<string, ResultMessage>(StringComparer.Ordinal);
        foreach (var id in new[] { FirstEnrollment, SecondEnrollment, Clear, UnknownUser, Unreadable })
            results[id] = await Worker.ResultAsync(id);
        Results = results;

        foreach (var id in new[] { FirstEnrollment, SecondEnrollment })
            foreach (var notice in Worker.NoticesOf(id)) secrets.Add(($"passphrase of {id}", Worker.OpenNotice(notice)));
        secrets.Add(("token of the first user", firstToken));
        secrets.Add(("token of the second user", secondToken));
        foreach (var uid in new[] { FirstUid, SecondUid, "unreadable" }) secrets.Add(($"address of {uid}", AddressOf(uid)));
        secrets.Add(("HSM PIN", Stack.ReadFile("STACK_HSM_PIN_FILE")));
        secrets.Add(("address key", AddressKeyText));
        Secrets = secrets;
    }

    /// <summary>The address key's text, as the worker reads it (Audit:AddressKeyFile of the stack's worker.env).</summary>
    public string AddressKeyText => File.ReadAllText(Stack.WorkerEnvironment()["Audit__AddressKeyFile"]).TrimEnd('\r', '\n');

    private async Task EnrollAsync(string id, string uid)
    {
        await PublishAsync("enrollment",
            $"{{\"version\":1,\"kind\":\"enrollment\",\"requestId\":\"{id}\",\"uid\":\"{uid}\",\"delivery\":{{\"channel\":\"email\",\"address\":\"{AddressOf(uid)}\"}}}}");
        await Worker.ResultAsync(id);
    }

    private Task PublishAsync(string routingKey, string body) => Worker.PublishAsync(routingKey, body, messageId: null, userId: Producer);

    /// <summary>The environment that points the shrtok binary at this worker's broker user and audit stream.</summary>
    public Dictionary<string, string> ShrTokEnvironment()
    {
        var environment = new Dictionary<string, string>(Stack.WorkerEnvironment())
        {
            ["Topology__AuditStream"] = Worker.AuditStream,
        };
        return environment;
    }

    public static string Utf8(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    public async Task DisposeAsync() => await Worker.DisposeAsync();
}
