using System.Text;
using System.Text.Json;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Messages;

public sealed class DeliveryNoticeTests
{
    private static readonly DateTimeOffset Issued = new(2026, 11, 27, 12, 30, 15, 0, TimeSpan.Zero);

    [Fact]
    public void An_enrollment_notice_is_camelCase_JSON_routed_by_channel()
    {
        var request = new WorkRequest(RequestKind.Enrollment, "idm-7f3a", "onboarding-2026-11", "jdoe", null, new DeliveryTarget("email", "jdoe@example.com"));

        var notice = DeliveryNotice.For(request, "uid=jdoe,ou=people,dc=example,dc=com", "ab12", Issued, "MIIB");

        Assert.Equal(
            """{"requestId":"idm-7f3a","batchId":"onboarding-2026-11","kind":"enrollment","dn":"uid=jdoe,ou=people,dc=example,dc=com","uid":"jdoe","delivery":{"channel":"email","address":"jdoe@example.com"},"tokenSha256":"ab12","issuedAt":"2026-11-27T12:30:15.000Z","sealedPassphrase":"MIIB"}""",
            Encoding.UTF8.GetString(MessageJson.ToUtf8(notice)));
        Assert.Equal("email", notice.RoutingKey());
    }

    [Fact]
    public void A_revocation_notice_carries_the_decimal_serial_and_reads_back()
    {
        var request = new WorkRequest(RequestKind.Revocation, "idm-7f3b", null, null, CertificateSerial.Parse("0x1A2B"), new DeliveryTarget("sms", "+15550100"));
        var notice = DeliveryNotice.For(request, "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com", "ab12", Issued, "MIIB");

        var json = MessageJson.ToUtf8(notice);

        using var document = JsonDocument.Parse(json);
        Assert.Equal("6699", document.RootElement.GetProperty("serial").GetString());
        Assert.False(document.RootElement.TryGetProperty("uid", out _));
        Assert.Equal(notice, MessageJson.ReadNotice(json));
        Assert.Equal("sms", notice.RoutingKey());
    }

    [Fact]
    public void A_clear_has_no_notice()
    {
        var clear = new WorkRequest(RequestKind.Clear, "c1", null, "jdoe", null, null);

        var error = Assert.Throws<ArgumentException>(() => DeliveryNotice.For(clear, "uid=jdoe", "ab", Issued, "MIIB"));
        Assert.Contains("A clear request has no delivery", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sealedPassphrase")]
    [InlineData("delivery")]
    [InlineData("dn")]
    public void Reading_refuses_a_notice_without_a_required_member(string member)
    {
        var full = """{"requestId":"r","kind":"enrollment","dn":"uid=a","uid":"a","delivery":{"channel":"email","address":"a@b"},"tokenSha256":"ab","issuedAt":"2026-11-27T12:30:15.000Z","sealedPassphrase":"MIIB"}""";
        var node = System.Text.Json.Nodes.JsonNode.Parse(full)!.AsObject();
        node.Remove(member);

        var error = Assert.Throws<JsonException>(() => MessageJson.ReadNotice(Encoding.UTF8.GetBytes(node.ToJsonString())));
        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_refuses_a_null_sealed_passphrase()
    {
        var json = """{"requestId":"r","kind":"enrollment","dn":"uid=a","delivery":{"channel":"email","address":"a@b"},"tokenSha256":"ab","issuedAt":"2026-11-27T12:30:15.000Z","sealedPassphrase":null}""";

        Assert.Throws<JsonException>(() => MessageJson.ReadNotice(Encoding.UTF8.GetBytes(json)));
    }
}
