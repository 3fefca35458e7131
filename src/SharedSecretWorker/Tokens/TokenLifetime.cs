using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Tokens;

/// <summary>
/// Decides a token's lifetime (docs/token-lifecycle.md, "A lifetime"): the request's own when it asks
/// for one, else <c>Token:Lifetime</c>; a request asking more than <c>Token:MaxLifetime</c> (when that
/// is not 0) is refused before anything is made or written, since the requester asked for what the
/// site does not allow.
/// </summary>
public sealed class TokenLifetime(IOptions<TokenOptions> options)
{
    private readonly TokenOptions _options = options.Value;

    /// <summary>Why <paramref name="requested"/> is refused (for a <c>lifetime-too-long</c> failure), or null when it is allowed.</summary>
    public string? Refusal(TimeSpan? requested)
    {
        if (requested is not { } asked || _options.MaxLifetime == TimeSpan.Zero || asked <= _options.MaxLifetime) return null;
        return $"The request asks for a token lifetime of {(long)asked.TotalSeconds} seconds; this worker allows at most {(long)_options.MaxLifetime.TotalSeconds} (Token:MaxLifetime). Nothing was written.";
    }

    /// <summary>The lifetime of a token for a request that asked <paramref name="requested"/> (null: nothing); null means the token never expires.</summary>
    public TimeSpan? For(TimeSpan? requested)
    {
        if (requested is { } asked) return asked;
        return _options.Lifetime == TimeSpan.Zero ? null : _options.Lifetime;
    }
}
