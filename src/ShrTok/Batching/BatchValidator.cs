using System.Security.Cryptography;
using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Batching;

/// <summary>
/// Reads the whole batch file before anything is sent (docs/messages.md: "The whole file is validated
/// before anything is sent"): header, field counts, every row with the worker's own parser
/// (uid and serial syntax, channels known to the configuration, addresses), and duplicate targets.
/// Every problem is collected, not only the first, so one pass over a large file shows them all.
/// </summary>
internal sealed class BatchValidator(RequestParser parser)
{
    /// <summary>The plan, or null with <paramref name="problems"/> filled.</summary>
    public BatchPlan? Validate(string path, string batchId, int generation, string fileSha256, List<BatchProblem> problems)
    {
        using var reader = BatchFileReader.Open(path, out var headerProblem);
        if (reader is null)
        {
            problems.Add(headerProblem!);
            return null;
        }
        var factory = new BatchRequestFactory(parser, reader.Columns, batchId, generation);
        var rowOfId = new Dictionary<string, int>(BatchRequestIds.Comparer);
        // Line of each row, only to name the first line of a duplicate: an int per row.
        var lines = new List<long>();
        foreach (var (record, shape) in reader.Records())
        {
            lines.Add(record.Line);
            if (shape is not null)
            {
                problems.Add(new BatchProblem(record.Line, shape));
                continue;
            }
            var (id, _, problem) = factory.Build(record);
            if (problem is not null)
            {
                problems.Add(new BatchProblem(record.Line, problem));
                continue;
            }
            if (!rowOfId.TryAdd(id, record.Index))
            {
                problems.Add(new BatchProblem(record.Line,
                    $"duplicate: {reader.Columns.TargetName} '{record.Fields[reader.Columns.TargetIndex]}' is already on line {lines[rowOfId[id]]}; each target may appear once in a batch (a second row would issue a second passphrase)."));
            }
        }
        if (lines.Count == 0) problems.Add(new BatchProblem(2, "the file has a header but no rows."));
        return problems.Count == 0 ? new BatchPlan(Path.GetFullPath(path), fileSha256, reader.Columns, rowOfId) : null;
    }

    /// <summary>Lower-case hex SHA-256 of the file, read as a stream.</summary>
    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The kind a file holds, from its header, or null when the header is wrong.</summary>
    public static RequestKind? KindOf(string path)
    {
        using var reader = BatchFileReader.Open(path, out _);
        return reader?.Columns.Kind;
    }
}
