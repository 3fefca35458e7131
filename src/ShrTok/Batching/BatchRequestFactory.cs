using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Batching;

/// <summary>
/// Turns a batch record into its request: id, body, and the worker's own verdict on it
/// (<see cref="ConfiguredParser.For"/>), so a row the worker would refuse is refused before anything is sent.
/// </summary>
internal sealed class BatchRequestFactory(RequestParser parser, BatchColumns columns, string batchId, int generation)
{
    /// <summary>The request of <paramref name="record"/>, or the reason it is not one.</summary>
    public (string Id, byte[] Body, string? Problem) Build(BatchRecord record)
    {
        var target = record.Fields[columns.TargetIndex];
        var channel = record.Fields[columns.ChannelIndex];
        var address = record.Fields[columns.AddressIndex];
        var enrollment = columns.Kind == RequestKind.Enrollment;
        // Serials are stored under their decimal form (docs/messages.md), so 0x1A2B and 6699 are one target.
        var key = !enrollment && CertificateSerial.TryParse(target, out var serial, out _) ? serial.Decimal : target;
        var id = BatchRequestIds.For(batchId, columns.Kind, key, generation);
        var body = RequestBody.Write(columns.Kind.ToWireName(), id,
            enrollment ? target : null, enrollment ? null : target, channel, address, batchId);
        var parsed = parser.Parse(body, id);
        return parsed.Succeeded ? (id, body, null) : (id, body, $"{parsed.Rejection.Code}: {Describe(parsed.Rejection.Message)}");
    }

    // The worker names JSON fields; a batch file has columns.
    private string Describe(string message) => message
        .Replace("Field 'delivery.channel'", $"Column '{BatchColumns.Channel}'", StringComparison.Ordinal)
        .Replace("Field 'delivery.address'", $"Column '{BatchColumns.Address}'", StringComparison.Ordinal)
        .Replace($"Field '{columns.TargetName}'", $"Column '{columns.TargetName}'", StringComparison.Ordinal);
}
