namespace SharedSecretWorker.Benchmarks.Directory;

/// <summary>
/// The local stack's <c>deploy/local/.state/stack.env</c> (shell KEY=VALUE, values optionally in
/// quotes), found by walking up from the binaries to the folder holding SharedSecretWorker.sln.
/// </summary>
internal sealed class StackFile
{
    private readonly Dictionary<string, string> _values;

    private StackFile(string path, Dictionary<string, string> values)
    {
        Path = path;
        _values = values;
    }

    public string Path { get; }

    public static StackFile Load(string? path)
    {
        path ??= Environment.GetEnvironmentVariable("SHRTOK_STACK_ENV");
        if (string.IsNullOrEmpty(path))
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(System.IO.Path.Combine(dir.FullName, "SharedSecretWorker.sln"))) continue;
                path = System.IO.Path.Combine(dir.FullName, "deploy", "local", ".state", "stack.env");
                break;
            }
        }
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new InvalidOperationException($"The local stack is not up ({path ?? "stack.env"} not found): run deploy/local/stack up.");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var value = line[(eq + 1)..];
            if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0]) value = value[1..^1];
            values[line[..eq]] = value;
        }
        return new StackFile(path, values);
    }

    public string Get(string name) => _values.TryGetValue(name, out var value) && value.Length > 0
        ? value
        : throw new InvalidOperationException($"{name} is missing from {Path}.");
}
