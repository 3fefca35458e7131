namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>
/// HSM tests run alone: PKCS#11 login and C_CloseAllSessions act on the whole process, so a
/// test that invalidates sessions would disturb any other test using the token at the same time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HsmCollection
{
    public const string Name = "HSM (exclusive)";
}
