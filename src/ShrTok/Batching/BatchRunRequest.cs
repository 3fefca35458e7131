namespace ShrTok.Batching;

/// <summary>What <c>shrtok batch</c> was asked.</summary>
/// <param name="File">The CSV file.</param>
/// <param name="Wait">Wait for every result (progress, report, exit code by outcome).</param>
/// <param name="ReportPath">Where to write the per-row report, or null.</param>
/// <param name="BatchId">The batch id, or null for one derived from the file's content.</param>
/// <param name="Rate">Requests per second at most, or null for as fast as the broker confirms.</param>
/// <param name="Reissue">Send every row again under new request ids (new passphrases), even rows already stored.</param>
internal sealed record BatchRunRequest(string File, bool Wait, string? ReportPath, string? BatchId, double? Rate, bool Reissue);
