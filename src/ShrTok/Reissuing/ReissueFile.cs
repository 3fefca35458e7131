using System.Text;
using SharedSecretWorker.Contracts.Requests;
using ShrTok.Batching;

namespace ShrTok.Reissuing;

/// <summary>
/// Writes a re-key's rows of one kind as the CSV file <c>shrtok batch</c> reads (docs/bulk-onboarding.md:
/// <c>uid,channel,address</c> or <c>serial,channel,address</c>, RFC 4180 quoting), readable by the owner
/// only: it holds addresses.
/// </summary>
internal static class ReissueFile
{
    public static void Write(string path, RequestKind kind, IEnumerable<ReissueRow> rows)
    {
        var text = new StringBuilder();
        text.Append(kind == RequestKind.Revocation ? BatchColumns.Serial : BatchColumns.Uid).Append(',')
            .Append(BatchColumns.Channel).Append(',').Append(BatchColumns.Address).Append("\r\n");
        foreach (var row in rows)
            text.Append(Quote(row.Target)).Append(',').Append(Quote(row.Channel)).Append(',').Append(Quote(row.Address)).Append("\r\n");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString());
        stream.Write(bytes);
    }

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
