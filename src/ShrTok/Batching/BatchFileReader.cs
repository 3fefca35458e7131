using CsvHelper;

namespace ShrTok.Batching;

/// <summary>
/// Streams a batch file (RFC 4180 CSV with a header, UTF-8 with or without a byte order mark)
/// one record at a time, so that a 100,000-row file is never held in memory. Each pass over the
/// file (validate, publish, report) opens a new reader.
/// </summary>
internal sealed class BatchFileReader : IDisposable
{
    private readonly CsvReader _reader;
    // Malformed quoting is found while scanning ahead, so it is keyed by record number (header = 1).
    private readonly Dictionary<long, CsvMalformedReason> _malformed = [];

    private BatchFileReader(string path)
    {
        var options = new CsvReaderOptions
        {
            // The contract's files are comma separated: no guessing from the first lines.
            Separator = ',',
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            TrimWhitespace = false,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = record =>
            {
                lock (_malformed) _malformed.TryAdd(record.RecordNumber, record.Reason);
            },
            PoolStrings = false,
        };
        _reader = CsvReader.Create(File.OpenRead(path), options, false);
    }

    /// <summary>The columns, once <see cref="Open"/> succeeded.</summary>
    public BatchColumns Columns { get; private set; } = null!;

    /// <summary>Opens <paramref name="path"/> and reads its header; null and a problem (line 1) when the header is wrong.</summary>
    public static BatchFileReader? Open(string path, out BatchProblem? problem)
    {
        var reader = new BatchFileReader(path);
        string[] header;
        try
        {
            reader._reader.ReadHeader();
            header = [.. reader._reader.Headers];
        }
        catch (CsvFormatException ex)
        {
            reader.Dispose();
            problem = new BatchProblem(1, $"the header cannot be read: {ex.Message}");
            return null;
        }
        if (header.Length == 0 || header is [""])
        {
            reader.Dispose();
            problem = new BatchProblem(1, "the file is empty; expected a header uid,channel,address or serial,channel,address and one row per request.");
            return null;
        }
        var columns = BatchColumns.Parse(header, out var headerProblem);
        if (columns is null || reader.MalformedAt(1) is not null)
        {
            reader.Dispose();
            problem = new BatchProblem(1, headerProblem ?? $"the header is malformed ({reader.MalformedAt(1)}).");
            return null;
        }
        reader.Columns = columns;
        problem = null;
        return reader;
    }

    private string? MalformedAt(long recordNumber)
    {
        lock (_malformed)
        {
            return _malformed.TryGetValue(recordNumber, out var reason) ? Describe(reason) : null;
        }
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a stray double quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a quoted field",
        CsvMalformedReason.UnterminatedQuote => "a quoted field that is never closed",
        _ => reason.ToString(),
    };

    /// <summary>
    /// The data records in order. A record whose shape is wrong (field count, bad quoting) comes with
    /// its problem and is still yielded, so the row count (and every later row's place) stays the file's.
    /// </summary>
    public IEnumerable<(BatchRecord Record, string? ShapeProblem)> Records()
    {
        var index = 0;
        while (_reader.Read())
        {
            var fields = new string[_reader.FieldCount];
            for (var i = 0; i < fields.Length; i++) fields[i] = _reader.GetString(i);
            string? shape = null;
            if (MalformedAt(_reader.RowNumber + 1) is { } malformed)
                shape = $"{malformed} (RFC 4180: quote the whole field and double any quote inside it).";
            else if (fields.Length != Columns.Header.Length)
                shape = $"{fields.Length} field{(fields.Length == 1 ? "" : "s")}; the header has {Columns.Header.Length} ({string.Join(",", Columns.Header)}).";
            yield return (new BatchRecord(index++, _reader.LineNumber, fields), shape);
        }
    }

    public void Dispose() => _reader.Dispose();
}
