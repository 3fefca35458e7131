namespace SharedSecretWorker.Contracts.Messages;

/// <summary>Wire names of <see cref="ResultStatus"/>: JSON <c>status</c> values and routing-key words.</summary>
public static class ResultStatusNames
{
    /// <summary>Wire name of <see cref="ResultStatus.Stored"/>.</summary>
    public const string Stored = "stored";

    /// <summary>Wire name of <see cref="ResultStatus.Cleared"/>.</summary>
    public const string Cleared = "cleared";

    /// <summary>Wire name of <see cref="ResultStatus.Failed"/>.</summary>
    public const string Failed = "failed";

    /// <summary>The wire name of <paramref name="status"/>.</summary>
    public static string ToWireName(this ResultStatus status) => status switch
    {
        ResultStatus.Stored => Stored,
        ResultStatus.Cleared => Cleared,
        ResultStatus.Failed => Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a result status."),
    };
}
