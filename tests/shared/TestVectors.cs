using System.Text.Json;

namespace SharedSecretWorker.Tests.Shared;

/// <summary>
/// The shared test vectors (../shared/vectors beside the repository): tokens made by an independent
/// implementation of CMCSharedToken's format. Absent vectors fail the test; nothing is skipped.
/// </summary>
internal static class TestVectors
{
    private static readonly Lazy<string> FolderPath = new(Find);

    public static string Folder => FolderPath.Value;

    public static string CertificateFile => Path.Combine(Folder, "issuance-protection.crt");

    public static string PrivateKeyFile => Path.Combine(Folder, "issuance-protection.key");

    public static IReadOnlyList<TokenVector> Tokens { get; } = Load();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Tokens) data.Add(vector.Name);
        return data;
    }

    public static TokenVector Get(string name) => Tokens.Single(v => v.Name == name);

    private static List<TokenVector> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "tokens.json")));
        return document.RootElement.EnumerateArray().Select(e => new TokenVector(
            e.GetProperty("name").GetString()!,
            e.GetProperty("keyWrap").GetString()!,
            e.GetProperty("passphrase").GetString()!,
            e.GetProperty("token").GetString()!,
            e.GetProperty("tokenMultiLine").GetString()!)).ToList();
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (File.Exists(Path.Combine(candidate, "tokens.json"))) return candidate;
        }
        throw new InvalidOperationException(
            $"The test vectors (shared/vectors/tokens.json, beside the repository) were not found above {AppContext.BaseDirectory}; they are required.");
    }
}
