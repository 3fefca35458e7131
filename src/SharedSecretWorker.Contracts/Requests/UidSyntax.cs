namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// What this worker accepts as a uid. LDAP allows almost anything, but the CA hashes the
/// identification's UTF-8 bytes together with the passphrase (docs/cmc-shared-token.md,
/// "Passphrases") and the requester must type it again, so a uid here is printable ASCII
/// without surrounding spaces and of bounded length. Characters that matter to LDAP filters
/// (<c>*</c>, <c>(</c>, <c>)</c>, <c>\</c>) are allowed: they are escaped (RFC 4515) and then
/// simply match nothing.
/// </summary>
public static class UidSyntax
{
    /// <summary>Longest uid accepted.</summary>
    public const int MaxLength = 256;

    private const char FirstPrintable = ' ';
    private const char LastPrintable = '~';

    /// <summary>Returns null when <paramref name="uid"/> is acceptable, otherwise what is wrong with it.</summary>
    public static string? Validate(string? uid)
    {
        if (string.IsNullOrEmpty(uid))
            return "The uid is empty.";
        if (uid.Length > MaxLength)
            return $"The uid is {uid.Length} characters long; at most {MaxLength} are accepted.";
        var bad = uid.AsSpan().IndexOfAnyExceptInRange(FirstPrintable, LastPrintable);
        if (bad >= 0)
        {
            var c = uid[bad];
            return char.IsControl(c)
                ? $"The uid contains a control character (U+{(int)c:X4}) at position {bad + 1}; a uid is printable ASCII."
                : $"The uid contains a non-ASCII character (U+{(int)c:X4}) at position {bad + 1}; a uid is printable ASCII, since the CA hashes it with the passphrase as UTF-8.";
        }
        if (uid[0] == ' ' || uid[^1] == ' ')
            return "The uid starts or ends with a space.";
        return null;
    }
}
