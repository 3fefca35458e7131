using CsvHelper;

namespace ShrTok.Batching;

/// <summary>
/// The per-row report (docs/cli.md): the input columns followed by
/// <c>requestId,status,code,message</c>, one row per input row, in input order. Written by reading
/// the input again, so no row is held in memory; written to a temporary file and renamed, so a
/// report file is never half written.
/// </summary>
internal static class BatchReportWriter
{
    /// <summary>Columns added after the input's.</summary>
    public static readonly string[] ResultColumns = ["requestId", "status", "code", "message"];

    /// <summary>Status of a row published and still waiting for its result.</summary>
    public const string Sent = "sent";

    /// <summary>Status of a row not published (interrupted, or a publish failed).</summary>
    public const string NotSent = "not-sent";

    /// <summary>Status of a row whose outcome cannot be known (its results queue is gone).</summary>
    public const string Unknown = "unknown";

    public static void Write(string reportPath, BatchPlan plan, BatchOutcomes outcomes, BatchRequestFactory factory)
    {
        var full = Path.GetFullPath(reportPath);
        var temporary = full + ".tmp";
        using (var reader = BatchFileReader.Open(plan.Path, out var problem) ?? throw new InvalidOperationException($"The input {plan.Path} changed since it was validated: {problem?.Reason}"))
        using (var csv = CsvWriter.Create(File.Create(temporary), CsvWriterOptions.Default, false))
        {
            csv.WriteHeader([.. reader.Columns.Header, .. ResultColumns]);
            foreach (var (record, _) in reader.Records())
            {
                if (record.Index >= outcomes.Rows)
                    throw new InvalidOperationException($"The input {plan.Path} changed since it was validated: it has more than {outcomes.Rows} rows now.");
                foreach (var field in record.Fields) csv.WriteField(field);
                var (id, _, _) = factory.Build(record);
                var (status, code, message) = Describe(outcomes, record.Index);
                csv.WriteField(id);
                csv.WriteField(status);
                csv.WriteField(code);
                csv.WriteField(message);
                csv.EndRecord();
            }
        }
        File.Move(temporary, full, overwrite: true);
    }

    private static (string Status, string Code, string Message) Describe(BatchOutcomes outcomes, int row)
    {
        var state = outcomes.StateOf(row);
        var failure = outcomes.FailureOf(row);
        var earlier = outcomes.FromEarlierRun(row) ? "by an earlier run" : "";
        return state switch
        {
            RowState.Stored => ("stored", "", earlier.Length > 0 ? "stored " + earlier + "; not sent again" : ""),
            RowState.Cleared => ("cleared", "", earlier.Length > 0 ? "cleared " + earlier + "; not sent again" : ""),
            RowState.Failed => ("failed", failure?.Code ?? "", failure?.Message ?? ""),
            RowState.Lost => (Unknown, failure?.Code ?? "", failure?.Message ?? ""),
            RowState.Sent => (Sent, "", "published; no result yet"),
            _ => (NotSent, "", "not published"),
        };
    }
}
