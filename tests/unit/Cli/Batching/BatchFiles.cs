namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

/// <summary>Temporary batch files for the tests; deleted on dispose.</summary>
internal sealed class BatchFiles : IDisposable
{
    public BatchFiles() => System.IO.Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "shrtok-batch-unit-" + Guid.NewGuid().ToString("N")[..8]);

    public string Write(string text, string name = "batch.csv")
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
