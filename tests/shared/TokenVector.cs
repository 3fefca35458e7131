using SharedSecretWorker.Contracts.Tokens;

namespace SharedSecretWorker.Tests.Shared;

/// <summary>One entry of tokens.json in the vectors folder beside this file (the repository's own copy).</summary>
internal sealed record TokenVector(string Name, string KeyWrapName, string Passphrase, string Token, string TokenMultiLine)
{
    public KeyWrap KeyWrap => KeyWrapName switch
    {
        "RSA-PKCS1-v1_5" => KeyWrap.Pkcs1,
        "RSA-OAEP-SHA256" => KeyWrap.Oaep,
        _ => throw new InvalidOperationException($"Vector {Name}: unknown keyWrap '{KeyWrapName}'."),
    };
}
