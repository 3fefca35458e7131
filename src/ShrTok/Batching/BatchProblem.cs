namespace ShrTok.Batching;

/// <summary>Why a line of a batch file is refused.</summary>
/// <param name="Line">1-based line of the file where the record starts (the header is line 1).</param>
/// <param name="Reason">What is wrong, naming the column.</param>
internal sealed record BatchProblem(long Line, string Reason);
