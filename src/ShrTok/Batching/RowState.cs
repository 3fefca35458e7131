namespace ShrTok.Batching;

/// <summary>Where one row of a batch stands (one byte per row in memory).</summary>
internal enum RowState : byte
{
    /// <summary>Not published (yet).</summary>
    NotSent,

    /// <summary>Published; its result has not arrived.</summary>
    Sent,

    /// <summary>The worker stored its token.</summary>
    Stored,

    /// <summary>The worker cleared a token (clear requests).</summary>
    Cleared,

    /// <summary>The worker reported a failure.</summary>
    Failed,

    /// <summary>Published by an earlier run whose results queue is gone: the outcome cannot be known from here.</summary>
    Lost,
}
