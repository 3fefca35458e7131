using System.Text;

namespace ShrTok.Batching;

/// <summary>
/// The append-only record of a batch (<c>journal.tsv</c> in its state folder): one line per event,
/// <c>STATUS TAB REQUESTID [TAB CODE TAB MESSAGE]</c>, status one of <c>sent</c>, <c>unsent</c>,
/// <c>stored</c>, <c>cleared</c>, <c>failed</c>. The last line of a request id wins. It is what
/// makes a batch resumable: the worker remembers finished ids only in memory (CompletedRequests).
/// A result is written and flushed before it is acknowledged to the broker, so a crash loses none.
/// </summary>
internal sealed class BatchJournal : IDisposable
{
    /// <summary>File name in the state folder.</summary>
    public const string FileName = "journal.tsv";

    private const char Separator = '\t';
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    private BatchJournal(StreamWriter writer) => _writer = writer;

    public static BatchJournal Append(string folder) =>
        new(new StreamWriter(new FileStream(Path.Combine(folder, FileName), FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)));

    /// <summary>Records an event; <paramref name="flush"/> pushes it to the file now (results, before their ack).</summary>
    public void Write(string status, string requestId, string? code = null, string? message = null, bool flush = false)
    {
        var line = code is null && message is null
            ? $"{status}{Separator}{requestId}"
            : $"{status}{Separator}{requestId}{Separator}{Clean(code)}{Separator}{Clean(message)}";
        lock (_lock)
        {
            _writer.WriteLine(line);
            if (flush) _writer.Flush();
        }
    }

    public void Flush()
    {
        lock (_lock) _writer.Flush();
    }

    /// <summary>Every event recorded in <paramref name="folder"/>, oldest first; a torn last line (a crash mid-write) is skipped.</summary>
    public static IEnumerable<(string Status, string RequestId, string? Code, string? Message)> Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) yield break;
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(Separator);
            if (parts.Length is not (2 or 4) || parts[1].Length == 0) continue;
            yield return parts.Length == 2 ? (parts[0], parts[1], null, null) : (parts[0], parts[1], parts[2], parts[3]);
        }
    }

    // One event per line: tabs and line breaks inside a message become spaces.
    private static string Clean(string? text) =>
        text is null ? "" : text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    public void Dispose()
    {
        lock (_lock) _writer.Dispose();
    }
}
