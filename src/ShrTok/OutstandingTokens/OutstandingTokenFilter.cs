using SharedSecretWorker.Directory;

namespace ShrTok.OutstandingTokens;

/// <summary>
/// What <c>shrtok tokens</c> shows: tokens expiring within a span (overdue ones included: they
/// expired already and are still there), tokens older than a span, tokens wrapped to one issuance
/// protection certificate. A token whose time is not known (written before records were kept, or by
/// hand) passes <c>--older-than</c>, since it may be any age, and never passes <c>--expiring-within</c>.
/// </summary>
/// <param name="Now">The time the listing is taken at.</param>
/// <param name="ExpiringWithin">Only tokens whose expiry is before <paramref name="Now"/> plus this.</param>
/// <param name="OlderThan">Only tokens issued before <paramref name="Now"/> minus this.</param>
/// <param name="WrappedTo">Only tokens whose record names this certificate (lower-case hex SHA-256 of its DER).</param>
internal sealed record OutstandingTokenFilter(DateTimeOffset Now, TimeSpan? ExpiringWithin, TimeSpan? OlderThan, string? WrappedTo)
{
    public bool Matches(OutstandingToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (ExpiringWithin is { } within && (token.NotAfter is not { } notAfter || notAfter > Now + within)) return false;
        if (OlderThan is { } older && token.IssuedAt is { } issued && issued > Now - older) return false;
        if (WrappedTo is not null && !string.Equals(token.Metadata?.WrappedTo, WrappedTo, StringComparison.Ordinal)) return false;
        return true;
    }
}
