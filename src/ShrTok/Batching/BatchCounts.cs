namespace ShrTok.Batching;

/// <summary>A snapshot of a batch's rows by state.</summary>
internal sealed record BatchCounts(int Rows, int NotSent, int InFlight, int Stored, int Cleared, int Failed, int Lost)
{
    /// <summary>Rows with a final outcome.</summary>
    public int Done => Stored + Cleared + Failed + Lost;

    /// <summary>True when every row has its outcome.</summary>
    public bool Complete => Done == Rows;

    /// <summary>True when every row succeeded.</summary>
    public bool AllSucceeded => Stored + Cleared == Rows;
}
