using System.Text.Json;

namespace SharedSecretWorker.Contracts.Requests;

/// <summary>Writes request bodies as docs/messages.md shows them; check one with <see cref="RequestParser"/> before sending, as the worker will.</summary>
public static class RequestBody
{
    /// <summary>The contract's message version.</summary>
    public const int Version = 1;

    /// <summary>A version-1 request body (UTF-8 JSON) as docs/messages.md shows it.</summary>
    /// <param name="kind">Wire name of the kind: <c>enrollment</c>, <c>revocation</c> or <c>clear</c>.</param>
    /// <param name="requestId">The producer's request id (<see cref="RequestIdSyntax"/>).</param>
    /// <param name="uid">The user's uid (enrollment, clear by uid).</param>
    /// <param name="serial">The certificate serial, decimal or 0x-hex (revocation, clear by serial).</param>
    /// <param name="channel">Delivery channel of the passphrase (enrollment, revocation).</param>
    /// <param name="address">Where the channel sends the passphrase.</param>
    /// <param name="batchId">The batch this request belongs to, if any (bulk lane).</param>
    public static byte[] Write(string kind, string requestId, string? uid, string? serial, string? channel, string? address, string? batchId) =>
        Write(kind, requestId, uid, serial, channel, address, batchId, lifetimeSeconds: null);

    /// <summary>As <see cref="Write(string, string, string?, string?, string?, string?, string?)"/>, asking the token to expire <paramref name="lifetimeSeconds"/> after it is written (enrollment, revocation; docs/messages.md, "Fields").</summary>
    public static byte[] Write(string kind, string requestId, string? uid, string? serial, string? channel, string? address, string? batchId, int? lifetimeSeconds)
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
            if (lifetimeSeconds is { } lifetime) json.WriteNumber(RequestFields.LifetimeSeconds, lifetime);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A new request id: unique, in the contract's alphabet.</summary>
    public static string NewRequestId() => "shrtok-" + Guid.NewGuid().ToString("N");
}
