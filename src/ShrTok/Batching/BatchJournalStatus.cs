namespace ShrTok.Batching;

/// <summary>The status words of the journal, and the code of a row whose result was lost.</summary>
internal static class BatchJournalStatus
{
    public const string Sent = "sent";
    public const string Unsent = "unsent";
    public const string Stored = "stored";
    public const string Cleared = "cleared";
    public const string Failed = "failed";

    /// <summary>
    /// Published, but its outcome can no longer be learnt here (its results queue expired, or the
    /// publish's confirm was lost with the connection). Journaled so that a later run neither waits for
    /// it for ever nor sends it blindly again (a second passphrase); <c>--reissue</c> sends it on purpose.
    /// </summary>
    public const string Lost = "lost";

    /// <summary>Report code of a row published by an earlier run whose result can no longer arrive.</summary>
    public const string ResultLostCode = "result-lost";

    /// <summary>Report code of a row whose publish was neither confirmed nor refused (the connection went away meanwhile).</summary>
    public const string PublishUnconfirmedCode = "publish-unconfirmed";
}
