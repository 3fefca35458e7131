namespace ShrTok.Batching;

/// <summary>One data record of a batch file.</summary>
/// <param name="Index">0-based position among the data records (the row's place in the report).</param>
/// <param name="Line">1-based line where the record starts.</param>
/// <param name="Fields">The fields in the file's column order, as read.</param>
internal sealed record BatchRecord(int Index, long Line, string[] Fields);
