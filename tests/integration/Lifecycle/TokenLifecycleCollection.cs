namespace SharedSecretWorker.Tests.Integration.Lifecycle;

/// <summary>
/// Tests that watch the stack's certificate repository: a watcher removes every used token it sees,
/// so two of these running at once would take each other's tokens. The directory-level watch tests
/// join it for the same reason. A worker with the lifecycle on also sweeps expired tokens, every one in
/// the directory: the tests that write overdue tokens on purpose (the outstanding-token reader's) join
/// it too, so that no sweep takes them away while they are looked at.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TokenLifecycleCollection
{
    public const string Name = "TokenLifecycle";
}
