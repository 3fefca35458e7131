using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>
/// Source-generated serialization of the outgoing messages: camelCase members, nulls omitted,
/// UTC timestamps with Z. On reading, members marked
/// [JsonRequired] must be present, and members declared non-nullable must not be null.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(ResultMessage))]
[JsonSerializable(typeof(DeliveryNotice))]
[JsonSerializable(typeof(TokenConsumedEvent))]
[JsonSerializable(typeof(TokenExpiredEvent))]
public sealed partial class MessageJsonContext : JsonSerializerContext;
