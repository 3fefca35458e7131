namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// Syntax of <c>requestId</c> and <c>batchId</c> (docs/messages.md): 1 to 128 of
/// <c>A-Z a-z 0-9 . _ : -</c>. The requestId is the idempotency key and travels in AMQP
/// properties and log lines, hence the narrow, ASCII-only alphabet.
/// </summary>
public static class RequestIdSyntax
{
    /// <summary>Longest requestId or batchId accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>The allowed characters, as error messages spell them.</summary>
    public const string Alphabet = "A-Z a-z 0-9 . _ : -";

    /// <summary>True when <paramref name="value"/> is a valid requestId (or batchId).</summary>
    public static bool IsValid(string? value) => value is not null && Validate(value, "requestId") is null;

    /// <summary>
    /// Returns null when <paramref name="value"/> is valid, else a message naming <paramref name="field"/>
    /// and the first offending character.
    /// </summary>
    public static string? Validate(string value, string field)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
            return $"Field '{field}' is empty; a {field} is 1 to {MaxLength} of {Alphabet}.";
        if (value.Length > MaxLength)
            return $"Field '{field}' is {value.Length} characters long; a {field} is at most {MaxLength} of {Alphabet}.";
        for (var i = 0; i < value.Length; i++)
        {
            if (!IsAllowed(value[i]))
                return $"Field '{field}' ({TextExcerpt.Quote(value)}) holds {TextExcerpt.Describe(value, i)} at position {i + 1}; a {field} is 1 to {MaxLength} of {Alphabet}.";
        }
        return null;
    }

    private static bool IsAllowed(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';
}
