namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// Test seam for races: <see cref="Hook"/> is called with the entry's DN after a write has read
/// the entry and before it sends its modify, on the pool thread. Integration tests use it to let
/// "another writer" change the entry in exactly that window; production code never sets it.
/// </summary>
internal sealed class RaceWindow
{
    public Action<string>? Hook { get; set; }

    public void Enter(string dn) => Hook?.Invoke(dn);
}
