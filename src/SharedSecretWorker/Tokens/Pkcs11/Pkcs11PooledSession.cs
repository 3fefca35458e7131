using Net.Pkcs11Interop.HighLevelAPI;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>A work session and the connection generation it was opened under.</summary>
internal sealed class Pkcs11PooledSession(ISession session, int generation)
{
    public ISession Session { get; } = session;

    public int Generation { get; } = generation;
}
