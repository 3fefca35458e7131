namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>
/// The local stack's facts, read from <c>deploy/local/.state/stack.env</c> (deploy/local/README.md),
/// which <c>deploy/local/stack up</c> writes. Tests never guess ports or passwords.
/// </summary>
public sealed class StackEnvironment
{
    /// <summary>Overrides where stack.env is looked for (for a stack started elsewhere).</summary>
    public const string PathVariable = "SHRTOK_STACK_ENV";

    private static readonly Lazy<StackEnvironment> Shared = new(Read, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly IReadOnlyDictionary<string, string> _values;

    private StackEnvironment(string stateDirectory, string repositoryRoot, IReadOnlyDictionary<string, string> values)
    {
        StateDirectory = stateDirectory;
        RepositoryRoot = repositoryRoot;
        _values = values;
    }

    /// <summary>deploy/local/.state of the stack in use.</summary>
    public string StateDirectory { get; }

    /// <summary>The repository's top folder (holds SharedSecretWorker.sln).</summary>
    public string RepositoryRoot { get; }

    /// <summary>The stack's environment, read once per test run.</summary>
    public static StackEnvironment Load() => Shared.Value;

    /// <summary>The stack's environment from <paramref name="path"/> (a stack.env), or the one <see cref="Load()"/> finds when null.</summary>
    public static StackEnvironment Load(string? path) => path is null ? Load() : Read(path);

    /// <summary>A required variable; a missing one fails the test with the reason.</summary>
    public string Get(string name) =>
        _values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException($"{name} is not set in {Path.Combine(StateDirectory, "stack.env")}: is the stack up to date? Run deploy/local/stack up.");

    /// <summary>An optional variable.</summary>
    public string? Find(string name) => _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>The worker's configuration for the stack (worker.env) as KEY=VALUE pairs.</summary>
    public IReadOnlyDictionary<string, string> WorkerEnvironment() => ParseFile(Path.Combine(StateDirectory, "worker.env"));

    /// <summary>
    /// The token lifecycle's checkpoint entry (the stack's <c>Lifecycle__CheckpointEntry</c>); a stack
    /// whose environment files predate the lifecycle has the entry at the same place.
    /// </summary>
    public string LifecycleCheckpointEntry => Find("STACK_LIFECYCLE_CHECKPOINT_ENTRY") ?? $"cn=shrtok-lifecycle,ou=services,{Get("STACK_LDAP_SUFFIX")}";

    /// <summary>A RabbitMQ.Client factory for the stack's admin user (tests observe and publish as it).</summary>
    public RabbitMQ.Client.ConnectionFactory AdminConnectionFactory(string clientName) => new()
    {
        HostName = Get("STACK_RABBITMQ_HOST"),
        Port = int.Parse(Get("STACK_RABBITMQ_PORT"), System.Globalization.CultureInfo.InvariantCulture),
        VirtualHost = Get("STACK_RABBITMQ_VHOST"),
        UserName = Get("STACK_RABBITMQ_ADMIN_USER"),
        Password = Get("STACK_RABBITMQ_ADMIN_PASSWORD"),
        ClientProvidedName = clientName,
    };

    /// <summary>How many broker nodes the stack runs (three under tests/run).</summary>
    public int BrokerNodes => int.Parse(Find("STACK_RABBITMQ_NODES") ?? "1", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every broker node's AMQP endpoint, node 1 first (a client given all of them fails over).</summary>
    public IList<RabbitMQ.Client.AmqpTcpEndpoint> BrokerEndpoints() =>
        Enumerable.Range(1, BrokerNodes).Select(n => new RabbitMQ.Client.AmqpTcpEndpoint(Get("STACK_RABBITMQ_HOST"),
            int.Parse(Find($"STACK_RABBITMQ_NODE_{n}_PORT") ?? Get("STACK_RABBITMQ_PORT"), System.Globalization.CultureInfo.InvariantCulture))).ToList();

    /// <summary>The worker's <c>RabbitMq:Endpoints</c> for nodes 2 … N (node 1 is its <c>RabbitMq:Uri</c>).</summary>
    public IEnumerable<KeyValuePair<string, string?>> ExtraBrokerEndpointSettings() =>
        Enumerable.Range(2, Math.Max(0, BrokerNodes - 1)).Select((n, i) =>
            new KeyValuePair<string, string?>($"RabbitMq:Endpoints:{i}", $"{Get("STACK_RABBITMQ_HOST")}:{Get($"STACK_RABBITMQ_NODE_{n}_PORT")}"));

    /// <summary>The text of a file the stack names by variable (a password file, for example), without its line ending.</summary>
    public string ReadFile(string name) => File.ReadAllText(Get(name)).TrimEnd('\r', '\n');

    private static StackEnvironment Read() => Read(null);

    private static StackEnvironment Read(string? file)
    {
        var root = FindRepositoryRoot();
        if (string.IsNullOrEmpty(file)) file = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(file)) file = Path.Combine(root, "deploy", "local", ".state", "stack.env");
        if (!File.Exists(file))
            throw new InvalidOperationException($"The local stack is not up: {file} does not exist. Run deploy/local/stack up (tests/run does it for you).");
        return new StackEnvironment(Path.GetDirectoryName(file)!, root, ParseFile(file));
    }

    /// <summary>Walks up from the test binaries to the folder that holds SharedSecretWorker.sln.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SharedSecretWorker.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No SharedSecretWorker.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>
    /// Shell <c>KEY=VALUE</c> lines as the stack writes them: values plain, or in single or double
    /// quotes when they hold spaces. No other shell syntax is used, so none is interpreted.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> ParseFile(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line["export ".Length..].TrimStart();
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var value = line[(eq + 1)..];
            if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0]) value = value[1..^1];
            values[line[..eq]] = value;
        }
        return values;
    }
}
