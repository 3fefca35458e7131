using System.Text.Json;

namespace ShrTok.Batching;

/// <summary>
/// A batch's state folder, <c>STATE_DIRECTORY/BATCH_ID/</c>: <c>batch.json</c> (<see cref="BatchManifest"/>),
/// the journal, and a lock file held by whichever shrtok process is working on the batch, so that
/// two of them never consume its results or append to its journal at the same time.
/// </summary>
internal sealed class BatchStateFolder : IDisposable
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestName = "batch.json";

    /// <summary>Lock file name.</summary>
    public const string LockName = "lock";

    private readonly FileStream _lock;

    private BatchStateFolder(string path, FileStream @lock)
    {
        Path = path;
        _lock = @lock;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The folder of <paramref name="batchId"/> under <paramref name="root"/> (batch ids are file-name safe: <see cref="BatchRequestIds.BatchIdProblem"/>).</summary>
    public static string PathOf(string root, string batchId) => System.IO.Path.Combine(root, batchId);

    /// <summary>Reads a batch's manifest without locking; null when the batch has no state.</summary>
    public static BatchManifest? ReadManifest(string folder)
    {
        var file = System.IO.Path.Combine(folder, ManifestName);
        if (!File.Exists(file)) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(file), BatchStateJson.Default.BatchManifest);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The batch state {file} is unreadable ({ex.Message}); move the folder away to start the batch afresh.", ex);
        }
    }

    /// <summary>Creates (if needed) and locks the folder; fails with a clear message when another process holds it.</summary>
    public static BatchStateFolder Lock(string folder)
    {
        System.IO.Directory.CreateDirectory(folder);
        var file = System.IO.Path.Combine(folder, LockName);
        try
        {
            // FileShare.None: a second shrtok on the same batch gets a sharing violation (advisory
            // lock on Unix, which .NET takes for FileShare.None).
            var stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            stream.Write(pid);
            stream.Flush();
            return new BatchStateFolder(folder, stream);
        }
        catch (IOException ex)
        {
            var holder = TryRead(file);
            throw new InvalidOperationException(
                $"Another shrtok process{(holder is null ? "" : $" (pid {holder})")} is working on this batch ({folder}); wait for it or stop it first.", ex);
        }
    }

    private static string? TryRead(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Trim();
            return text.Length > 0 ? text : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Writes the manifest atomically (write, then rename over).</summary>
    public void WriteManifest(BatchManifest manifest)
    {
        var file = System.IO.Path.Combine(Path, ManifestName);
        var temporary = file + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(manifest, BatchStateJson.Default.BatchManifest));
        File.Move(temporary, file, overwrite: true);
    }

    public BatchJournal OpenJournal() => BatchJournal.Append(Path);

    public void Dispose() => _lock.Dispose();
}
