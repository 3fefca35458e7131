using System.Text.Json.Serialization;
using SharedSecretWorker.Contracts.Messages;

namespace ShrTok.Batching;

/// <summary>Source-generated JSON of the batch manifest and the batch.completed event.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BatchManifest))]
[JsonSerializable(typeof(BatchCompletedEvent))]
internal sealed partial class BatchStateJson : JsonSerializerContext;
