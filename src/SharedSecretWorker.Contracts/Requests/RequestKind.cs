using System.Text.Json.Serialization;

namespace SharedSecretWorker.Contracts.Requests;

/// <summary>What a request asks for (docs/messages.md, "Requests" and "Routing keys").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RequestKind>))]
public enum RequestKind
{
    /// <summary>Store a fresh token on the user's entry (<c>shrTok</c>) and deliver its passphrase.</summary>
    [JsonStringEnumMemberName("enrollment")]
    Enrollment,

    /// <summary>Store a fresh token on the certificate record (<c>metaInfo: revShrTok:</c>) and deliver its passphrase.</summary>
    [JsonStringEnumMemberName("revocation")]
    Revocation,

    /// <summary>Remove an enrollment token (by uid) or a revocation token (by serial).</summary>
    [JsonStringEnumMemberName("clear")]
    Clear,
}
