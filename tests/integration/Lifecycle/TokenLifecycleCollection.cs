namespace SharedSecretWorker.Tests.Integration.Lifecycle;

/// <summary>
/// Tests that watch the stack's certificate repository: a watcher removes every used token it sees,
/// so two of these running at once would take each other's tokens. The directory-level watch tests
/// join it for the same reason.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TokenLifecycleCollection
{
    public const string Name = "TokenLifecycle";
}
