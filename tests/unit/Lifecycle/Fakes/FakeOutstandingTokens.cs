using System.Runtime.CompilerServices;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

/// <summary>An <see cref="IOutstandingTokenReader"/> that lists what a test put in it, or fails as told.</summary>
internal sealed class FakeOutstandingTokens : IOutstandingTokenReader
{
    public List<OutstandingToken> Tokens { get; } = [];

    public DirectoryException? Failure { get; set; }

    public int Reads { get; private set; }

    /// <summary>Attribute values by entry DN and attribute name.</summary>
    public Dictionary<(string Dn, string Attribute), string> Attributes { get; } = [];

    public Task<string?> ReadAttributeAsync(string dn, string attribute, CancellationToken cancellationToken) =>
        Task.FromResult(Attributes.TryGetValue((dn, attribute), out var value) ? value : null);

    public async IAsyncEnumerable<OutstandingToken> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Reads++;
        await Task.Yield();
        if (Failure is not null) throw Failure;
        foreach (var token in Tokens.ToList()) yield return token;
    }
}
