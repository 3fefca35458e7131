using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SharedSecretWorker.Consuming.Requests;
using SharedSecretWorker.Publishing;

namespace ShrTok.Submitting;

/// <summary>Writes request bodies as the contract shows them, and checks them with the worker's own parser before sending.</summary>
internal static class RequestBody
{
    /// <summary>The contract's message version.</summary>
    public const int Version = 1;

    public static byte[] Write(string kind, string requestId, string? uid, string? serial, string? channel, string? address, string? batchId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteString("kind", kind);
            json.WriteString("requestId", requestId);
            if (uid is not null) json.WriteString("uid", uid);
            if (serial is not null) json.WriteString("serial", serial);
            if (channel is not null || address is not null)
            {
                json.WriteStartObject("delivery");
                json.WriteString("channel", channel);
                json.WriteString("address", address);
                json.WriteEndObject();
            }
            if (batchId is not null) json.WriteString("batchId", batchId);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The parser the worker uses, knowing the channels configured here: like the worker, a channel
    /// whose CertificateFile is empty is switched off (Delivery:Channels:NAME:CertificateFile).
    /// </summary>
    public static RequestParser ParserFor(IConfiguration configuration) =>
        new(configuration.GetSection(DeliveryOptions.SectionName).GetSection("Channels").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c["CertificateFile"]))
            .Select(c => c.Key));

    /// <summary>A new request id: unique, in the contract's alphabet.</summary>
    public static string NewRequestId() => "shrtok-" + Guid.NewGuid().ToString("N");
}
