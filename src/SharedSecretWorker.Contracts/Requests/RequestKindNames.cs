namespace SharedSecretWorker.Contracts.Requests;

/// <summary>The wire names of <see cref="RequestKind"/>: JSON <c>kind</c> values and routing-key words.</summary>
public static class RequestKindNames
{
    /// <summary>Wire name of <see cref="RequestKind.Enrollment"/>.</summary>
    public const string Enrollment = "enrollment";

    /// <summary>Wire name of <see cref="RequestKind.Revocation"/>.</summary>
    public const string Revocation = "revocation";

    /// <summary>Wire name of <see cref="RequestKind.Clear"/>.</summary>
    public const string Clear = "clear";

    /// <summary>The wire name of <paramref name="kind"/> (<c>enrollment</c>, <c>revocation</c>, <c>clear</c>).</summary>
    public static string ToWireName(this RequestKind kind) => kind switch
    {
        RequestKind.Enrollment => Enrollment,
        RequestKind.Revocation => Revocation,
        RequestKind.Clear => Clear,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a request kind."),
    };

    /// <summary>Parses a wire name, case-sensitively as the contract spells it.</summary>
    public static bool TryParse(string? name, out RequestKind kind)
    {
        switch (name)
        {
            case Enrollment: kind = RequestKind.Enrollment; return true;
            case Revocation: kind = RequestKind.Revocation; return true;
            case Clear: kind = RequestKind.Clear; return true;
            default: kind = default; return false;
        }
    }
}
