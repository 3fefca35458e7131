using System.Globalization;
using System.Text;
using System.Text.Json;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;

namespace ShrTok.OutstandingTokens;

/// <summary>
/// <c>shrtok tokens --json</c>: one object per line, camelCase as the messages are (docs/messages.md),
/// absent members left out. <c>issuedAt</c> is the recorded issue time, or the entry's last change with
/// <c>issuedAtSource</c> <c>entryModified</c> when no record belongs to the token.
/// </summary>
internal static class OutstandingTokenJson
{
    public static string Line(OutstandingToken token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", token.Kind.ToWireName());
            if (token.Uid is not null) json.WriteString("uid", token.Uid);
            if (token.Serial is not null) json.WriteString("serial", token.Serial);
            json.WriteString("dn", token.Dn);
            json.WriteString("tokenSha256", token.TokenSha256);
            if (token.IssuedAt is { } issued)
            {
                json.WriteString("issuedAt", Time(issued));
                json.WriteString("issuedAtSource", token.Metadata is null ? "entryModified" : "recorded");
                json.WriteNumber("ageSeconds", (long)Math.Floor((now - issued).TotalSeconds));
            }
            if (token.NotAfter is { } notAfter) json.WriteString("expiresAt", Time(notAfter));
            json.WriteBoolean("overdue", token.IsOverdueAt(now));
            if (token.Metadata is { } metadata)
            {
                json.WriteString("requestId", metadata.RequestId);
                if (metadata.BatchId is not null) json.WriteString("batchId", metadata.BatchId);
                if (metadata.WrappedTo is not null) json.WriteString("wrappedTo", metadata.WrappedTo);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
