namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// Compares uids the way the directory does. The <c>uid</c> attribute's equality rule is
/// <c>caseIgnoreMatch</c> (RFC 4519; 389 DS's schema), whose string preparation (RFC 4518) folds case
/// and treats runs of spaces as one: <c>jdoe</c>, <c>JDoe</c> and <c>JDOE</c> are one entry to the CA's
/// search, so they must be one target to the worker too. Accepted uids are printable ASCII
/// (<see cref="UidSyntax"/>), so ASCII case folding is the whole of the case rule here.
/// </summary>
public static class UidMatching
{
    /// <summary>The uid as the directory's equality rule sees it: ASCII lower case, inner runs of spaces as one, outer spaces gone.</summary>
    public static string Fold(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        return string.Join(' ', uid.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>True when the directory holds <paramref name="a"/> and <paramref name="b"/> for the same uid.</summary>
    public static bool SameUid(string a, string b) => string.Equals(Fold(a), Fold(b), StringComparison.Ordinal);
}
