namespace SharedSecretWorker.Tests.Unit.Telemetry;

/// <summary>Files of the repository (deploy/, systemd/), found by walking up from the test binary.</summary>
internal static class RepositoryFiles
{
    private const string Marker = "SharedSecretWorker.sln";

    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, Marker))) return dir.FullName;
            throw new InvalidOperationException($"No {Marker} above {AppContext.BaseDirectory}: run the tests from the repository's build output.");
        }
    }

    public static string Path(params string[] parts)
    {
        var path = System.IO.Path.Combine([Root, .. parts]);
        Assert.True(File.Exists(path), $"{path} is missing");
        return path;
    }
}
