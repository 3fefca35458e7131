using System.Text.Json;
using ShrTok.Auditing;
using static SharedSecretWorker.Tests.Unit.Cli.Auditing.AuditEntries;

namespace SharedSecretWorker.Tests.Unit.Cli.Auditing;

public sealed class AuditRecordTests
{
    [Fact]
    public void The_documented_example_is_the_JSON_of_a_stored_enrollment()
    {
        // docs/audit.md, "Schema": the record of the stored enrollment idm-0419, on one line.
        var documented = """
            {"typeURI":"http://schemas.dmtf.org/cloud/audit/1.0/event","id":"shrtok-audit:1041","eventType":"activity",
            "eventTime":"2026-12-01T08:14:02.117Z","action":"create/issue","outcome":"success",
            "initiator":{"id":"shrtok-idm","typeURI":"service/security/account/user"},
            "target":{"id":"uid=jdoe,ou=people,dc=example,dc=com","typeURI":"data/security/credential","name":"jdoe"},
            "observer":{"id":"shrtok-worker","typeURI":"service/security"},
            "attachments":[{"name":"routingKey","typeURI":"xs:string","content":"enrollment.stored"},
            {"name":"requestId","typeURI":"xs:string","content":"idm-0419"},
            {"name":"kind","typeURI":"xs:string","content":"enrollment"},
            {"name":"uid","typeURI":"xs:string","content":"jdoe"},
            {"name":"tokenSha256","typeURI":"xs:string","content":"3f0a9c51d2e87b46a0f1c3e5d7b9a2c4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a3b5"},
            {"name":"channel","typeURI":"xs:string","content":"email"},
            {"name":"addressHmac","typeURI":"xs:string","content":"b6cf7e530f738fb7af03721d6ffb6cc24057ab24cc16f8e4ab706e29899aa33d"},
            {"name":"attempts","typeURI":"xs:int","content":"1"},
            {"name":"streamOffset","typeURI":"xs:long","content":"1041"}]}
            """.ReplaceLineEndings("");

        Assert.Equal(documented, AuditMapping.Map(Of(StoredEnrollment())).ToJson());
    }

    [Fact]
    public void A_failure_has_a_reason_with_the_error_codes_vocabulary()
    {
        var record = Record() with { Outcome = AuditMapping.Failure, ReasonCode = "unknown-uid" };

        using var json = JsonDocument.Parse(record.ToJson());
        var reason = json.RootElement.GetProperty("reason");
        Assert.Equal(["reasonType", "reasonCode"], reason.EnumerateObject().Select(p => p.Name));
        Assert.Equal("urn:shrtok:error-code", reason.GetProperty("reasonType").GetString());
        Assert.Equal("unknown-uid", reason.GetProperty("reasonCode").GetString());
        Assert.Equal("failure", json.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public void The_members_are_CADFs_in_order_and_none_is_null()
    {
        var record = Record(uid: null) with { Attachments = [new AuditAttachment("routingKey", "xs:string", "enrollment.stored")] };

        using var json = JsonDocument.Parse(record.ToJson());
        var root = json.RootElement;
        Assert.Equal(["typeURI", "id", "eventType", "eventTime", "action", "outcome", "initiator", "target", "observer", "attachments"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "typeURI"], root.GetProperty("target").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "typeURI", "content"], root.GetProperty("attachments")[0].EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("null", record.ToJson(), StringComparison.Ordinal);
        Assert.Equal("http://schemas.dmtf.org/cloud/audit/1.0/event", root.GetProperty("typeURI").GetString());
        Assert.Equal("activity", root.GetProperty("eventType").GetString());
    }

    [Fact]
    public void The_event_time_is_UTC_with_milliseconds()
    {
        var record = Record(at: new DateTimeOffset(2026, 12, 1, 9, 14, 2, TimeSpan.FromHours(1)).AddTicks(1_234_567));

        using var json = JsonDocument.Parse(record.ToJson());
        Assert.Equal("2026-12-01T08:14:02.123Z", json.RootElement.GetProperty("eventTime").GetString());
    }

    [Fact]
    public void A_record_is_one_line_even_with_line_endings_in_its_values()
    {
        var record = Record() with { Attachments = [new AuditAttachment("errorMessage", "xs:string", "first line\nsecond \"line\"")] };

        var text = record.ToJson();

        Assert.DoesNotContain('\n', text);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("first line\nsecond \"line\"", json.RootElement.GetProperty("attachments")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void A_record_without_attachments_has_an_empty_list()
    {
        using var json = JsonDocument.Parse(Record().ToJson());

        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("attachments").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("attachments").GetArrayLength());
    }
}
