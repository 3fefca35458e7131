using Net.Pkcs11Interop.HighLevelAPI;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>A work session and the connection it was opened under.</summary>
internal sealed class Pkcs11PooledSession(ISession session, Pkcs11Connection connection)
{
    public ISession Session { get; } = session;

    public Pkcs11Connection Connection { get; } = connection;
}
