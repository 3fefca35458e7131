namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// What the JSON walk found, before the rules of each kind are applied. A member is null when it
/// was absent or unusable (then <see cref="FirstError"/> or <see cref="VersionError"/> says why).
/// </summary>
internal sealed class RawRequest
{
    public bool HasVersion { get; set; }
    public int? Version { get; set; }
    public string? Kind { get; set; }
    public string? RequestId { get; set; }
    public string? BatchId { get; set; }
    public string? Uid { get; set; }
    public string? Serial { get; set; }
    public bool HasDelivery { get; set; }
    public string? Channel { get; set; }
    public string? Address { get; set; }
    public bool HasLifetime { get; set; }
    public long? LifetimeSeconds { get; set; }

    /// <summary>Why <c>version</c> was unusable; reported before anything else, since another version may have other fields.</summary>
    public string? VersionError { get; set; }

    /// <summary>The first structural problem (unknown or duplicate field, wrong type, null), in document order.</summary>
    public string? FirstError { get; set; }

    /// <summary>The body is not JSON at all (or not one object); nothing after it was read.</summary>
    public string? SyntaxError { get; set; }

    /// <summary>Keeps the first problem: the one a person fixing the message meets first.</summary>
    public void Fail(string message) => FirstError ??= message;
}
