namespace ShrTok.Batching;

/// <summary>The status words of the journal, and the code of a row whose result was lost.</summary>
internal static class BatchJournalStatus
{
    public const string Sent = "sent";
    public const string Unsent = "unsent";
    public const string Stored = "stored";
    public const string Cleared = "cleared";
    public const string Failed = "failed";

    /// <summary>Report code of a row published by an earlier run whose result can no longer arrive.</summary>
    public const string ResultLostCode = "result-lost";
}
