using System.Text.Json;

namespace SharedSecretWorker.Tests.Shared;

/// <summary>
/// The test vectors (this repository's own vectors/ folder next to this file, copied beside the test binaries as <c>vectors/</c>): tokens
/// made by an independent implementation of CMCSharedToken's format. Absent vectors fail the test;
/// nothing is skipped.
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
        var folder = Path.Combine(AppContext.BaseDirectory, "vectors");
        if (File.Exists(Path.Combine(folder, "tokens.json"))) return folder;
        throw new InvalidOperationException(
            $"The test vectors ({Path.Combine(folder, "tokens.json")}) are missing: the test project copies this repository's vectors folder (next to TestVectors.cs) there when it builds.");
    }
}
