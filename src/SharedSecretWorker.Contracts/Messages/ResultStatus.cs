using System.Text.Json.Serialization;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>Outcome of a request (docs/messages.md, "Results": <c>status</c>, the second word of the result routing key).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResultStatus>))]
public enum ResultStatus
{
    /// <summary>A token was written (enrollment or revocation); its passphrase went out in a delivery notice.</summary>
    [JsonStringEnumMemberName("stored")]
    Stored,

    /// <summary>A clear request removed the token (or found none to remove).</summary>
    [JsonStringEnumMemberName("cleared")]
    Cleared,

    /// <summary>Nothing was done; <c>error</c> says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
