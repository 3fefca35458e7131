using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ShrTok.Auditing;

/// <summary>
/// One audit record in CADF's terms (DMTF DSP0262, the Cloud Auditing Data Federation event model;
/// docs/audit.md, "Schema"): what happened (<see cref="Action"/>, <see cref="Outcome"/>), to what
/// (<see cref="Target"/>), on whose request (<see cref="Initiator"/>), reported by whom (<see cref="Observer"/>),
/// and the rest as attachments. Also keeps the plain values that the filters and the table use.
/// </summary>
internal sealed record AuditRecord
{
    /// <summary>CADF's type of an event record.</summary>
    public const string EventTypeUri = "http://schemas.dmtf.org/cloud/audit/1.0/event";

    public required string Id { get; init; }
    public required DateTimeOffset EventTime { get; init; }
    public required string Action { get; init; }
    public required string Outcome { get; init; }
    public required AuditParty Initiator { get; init; }
    public required AuditParty Target { get; init; }
    public required AuditParty Observer { get; init; }

    /// <summary>CADF reason: the stable error code of a failure (<c>reasonCode</c>), under <see cref="ReasonType"/>.</summary>
    public string? ReasonCode { get; init; }

    /// <summary>The error codes' vocabulary (docs/messages.md, "Error codes"), as a URN: CADF wants a URI, and no site hosts one.</summary>
    public const string ReasonType = "urn:shrtok:error-code";

    public IReadOnlyList<AuditAttachment> Attachments { get; init; } = [];

    // Plain values for the filters and the table (also in the attachments and the target).
    public string? Kind { get; init; }
    public string? RequestId { get; init; }
    public string? BatchId { get; init; }
    public string? Uid { get; init; }
    public string? TokenSha256 { get; init; }

    /// <summary>Writes the record as one CADF JSON object on one line.</summary>
    public string ToJson()
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("typeURI", EventTypeUri);
            json.WriteString("id", Id);
            json.WriteString("eventType", "activity");
            json.WriteString("eventTime", EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("action", Action);
            json.WriteString("outcome", Outcome);
            if (ReasonCode is not null)
            {
                json.WriteStartObject("reason");
                json.WriteString("reasonType", ReasonType);
                json.WriteString("reasonCode", ReasonCode);
                json.WriteEndObject();
            }
            Write(json, "initiator", Initiator);
            Write(json, "target", Target);
            Write(json, "observer", Observer);
            json.WriteStartArray("attachments");
            foreach (var attachment in Attachments)
            {
                json.WriteStartObject();
                json.WriteString("name", attachment.Name);
                json.WriteString("typeURI", attachment.TypeUri);
                json.WriteString("content", attachment.Content);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter json, string name, AuditParty party)
    {
        json.WriteStartObject(name);
        json.WriteString("id", party.Id);
        json.WriteString("typeURI", party.TypeUri);
        if (party.Name is not null) json.WriteString("name", party.Name);
        json.WriteEndObject();
    }
}
