using System.Text.RegularExpressions;
using SharedSecretWorker.Tests.Unit.Telemetry;

namespace SharedSecretWorker.Tests.Unit.Documentation;

/// <summary>
/// Every document the code, tests, deploy files and README cite exists in the repository: a user who
/// clones it has nothing beside it (no spec folder, no shared folder).
/// </summary>
public sealed partial class CitedDocumentsTests
{
    private static readonly string[] Searched = ["src", "tests", "deploy", "systemd", "docs"];

    [GeneratedRegex(@"(?<![\w./-])((?:docs|spec)/[\w./-]+\.(?:md|ldif))")]
    private static partial Regex CitedPath();

    [Fact]
    public void Every_cited_document_exists()
    {
        var root = RepositoryFiles.Root;
        var files = Searched.SelectMany(folder => System.IO.Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/.state/", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)
                || f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".service", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal)
                || !Path.GetFileName(f).Contains('.', StringComparison.Ordinal))
            .Append(Path.Combine(root, "README.md"));
        var missing = new List<string>();
        var cited = 0;
        foreach (var file in files)
        {
            foreach (Match match in CitedPath().Matches(File.ReadAllText(file)))
            {
                cited++;
                var path = match.Groups[1].Value.TrimEnd('.');
                if (!File.Exists(Path.Combine(root, path)))
                    missing.Add($"{Path.GetRelativePath(root, file)} cites {path}");
            }
        }
        Assert.True(cited > 20, $"only {cited} citations found: the scan is not reading the repository");
        Assert.True(missing.Count == 0, "Cited but missing:\n" + string.Join("\n", missing.Distinct()));
    }
}
