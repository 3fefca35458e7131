using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Batching;

/// <summary>
/// Request ids of batch rows: <c>BATCH:KIND:TARGET</c>, derived from the batch id and the row's
/// target (uid, or the serial in decimal) and nothing else, so that sending the same file again
/// with the same batch id sends the same ids (the worker's idempotency key, docs/messages.md).
/// A uid outside the request-id alphabet, or too long, is replaced by <c>h.</c> and a SHA-256
/// prefix of its lower-case form. A re-issued batch appends <c>:rN</c> (generation N).
/// </summary>
internal static class BatchRequestIds
{
    /// <summary>Longest batch id: leaves room for the kind, a hashed target and a generation within the 128 characters of a requestId.</summary>
    public const int MaxBatchIdLength = 48;

    /// <summary>Characters kept for the generation suffix (<c>:r</c> and up to six digits).</summary>
    private const int GenerationReserve = 8;

    /// <summary>Hex digits of SHA-256 kept for a hashed target (160 bits: no collision among any realistic batch).</summary>
    private const int HashHexDigits = 40;

    /// <summary>Prefix of a hashed target.</summary>
    public const string HashedPrefix = "h.";

    /// <summary>Prefix of the batch id derived from the file's content when none is given.</summary>
    public const string DefaultPrefix = "b-";

    /// <summary>Hex digits of the file's SHA-256 in a default batch id.</summary>
    private const int DefaultHexDigits = 16;

    /// <summary>Null when <paramref name="batchId"/> can be used, else what is wrong.</summary>
    public static string? BatchIdProblem(string batchId)
    {
        if (batchId.Length > MaxBatchIdLength)
            return $"the batch id is {batchId.Length} characters long; at most {MaxBatchIdLength} are accepted (the request ids derived from it must fit in {RequestIdSyntax.MaxLength}).";
        if (batchId.Contains(':', StringComparison.Ordinal))
            return "the batch id contains ':', which separates the parts of the request ids derived from it.";
        return RequestIdSyntax.Validate(batchId, "batchId");
    }

    /// <summary>The batch id of a file given none: its content's SHA-256 prefix, so the same file gets the same id.</summary>
    public static string Default(ReadOnlySpan<byte> fileSha256) =>
        DefaultPrefix + Convert.ToHexStringLower(fileSha256)[..DefaultHexDigits];

    /// <summary>The target as the request id spells it: for a uid, lower-case comparison decides duplicates (LDAP matches uid case-insensitively).</summary>
    public static string For(string batchId, RequestKind kind, string target, int generation)
    {
        var prefix = $"{batchId}:{kind.ToWireName()}:";
        var plain = prefix.Length + target.Length + GenerationReserve <= RequestIdSyntax.MaxLength
            && target.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':')
            && !target.StartsWith(HashedPrefix, StringComparison.OrdinalIgnoreCase);
        var id = prefix + (plain ? target : HashedPrefix + Hash(target));
        return generation == 0 ? id : id + ":r" + generation.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>How request ids compare: case-insensitively, since uid matching in the directory is.</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    private static string Hash(string target) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target.ToLowerInvariant())))[..HashHexDigits];
}
