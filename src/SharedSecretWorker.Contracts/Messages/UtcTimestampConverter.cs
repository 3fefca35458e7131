using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>
/// Writes instants as ISO 8601 UTC with a <c>Z</c> and milliseconds (<c>2026-11-27T12:00:00.000Z</c>),
/// the form log pipelines and JavaScript's Date parse alike; System.Text.Json's default would write
/// the offset as <c>+00:00</c>. Reads any ISO 8601 instant that carries an offset.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (text is null || !HasZone(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value))
        {
            throw new JsonException($"'{text}' is not an ISO 8601 instant with a time zone (e.g. 2026-11-27T12:00:00.000Z).");
        }
        return value.ToUniversalTime();
    }

    /// <summary>A local time without zone would be read in this machine's zone: refuse it rather than guess.</summary>
    private static bool HasZone(string text)
    {
        var time = text.IndexOf('T', StringComparison.Ordinal);
        return time > 0 && text.AsSpan(time).IndexOfAny('Z', '+', '-') > 0;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
