using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Batching;

/// <summary>A validated batch file: what it asks, how many rows, and which row each request id belongs to.</summary>
internal sealed class BatchPlan(string path, string fileSha256, BatchColumns columns, Dictionary<string, int> rowOfId)
{
    /// <summary>The input file, full path.</summary>
    public string Path { get; } = path;

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    public string FileSha256 { get; } = fileSha256;

    public BatchColumns Columns { get; } = columns;

    public RequestKind Kind => Columns.Kind;

    /// <summary>Data rows (header excluded).</summary>
    public int Rows => rowOfId.Count;

    private readonly string[] _idOfRow = rowOfId.OrderBy(p => p.Value).Select(p => p.Key).ToArray();

    /// <summary>The row of a request id of this batch (ids compare as <see cref="BatchRequestIds.Comparer"/>).</summary>
    public bool TryGetRow(string requestId, out int row) => rowOfId.TryGetValue(requestId, out row);

    /// <summary>The request id of a row.</summary>
    public string IdOf(int row) => _idOfRow[row];
}
