using System.Text;
using System.Text.Json;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Messages;

public sealed class TokenConsumedEventTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 27, 12, 0, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset Consumed = new(2026, 11, 27, 12, 0, 5, 250, TimeSpan.Zero);

    private static string Json(TokenConsumedEvent consumed) => Encoding.UTF8.GetString(MessageJson.ToUtf8(consumed));

    [Fact]
    public void An_enrollment_names_the_entry_the_user_and_the_certificate()
    {
        var consumed = TokenConsumedEvent.Enrollment("ab12", "uid=jdoe,ou=people,dc=example,dc=com", "jdoe", "4096",
            "cn=4096,ou=certificateRepository,ou=ca,dc=example,dc=com", Created, Consumed);

        Assert.Equal(
            """{"version":1,"kind":"enrollment","tokenSha256":"ab12","dn":"uid=jdoe,ou=people,dc=example,dc=com","uid":"jdoe","serial":"4096","certificateRecordDn":"cn=4096,ou=certificateRepository,ou=ca,dc=example,dc=com","recordCreatedAt":"2026-11-27T12:00:05.000Z","consumedAt":"2026-11-27T12:00:05.250Z"}""",
            Json(consumed));
        Assert.Equal("enrollment.consumed", consumed.RoutingKey());
        Assert.Equal("enrollment.consumed:ab12", consumed.MessageId());
    }

    [Fact]
    public void A_revocation_is_on_the_record_and_says_when_it_was_revoked()
    {
        var record = "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com";
        var consumed = TokenConsumedEvent.Revocation("cd34", "6699", record, Created, Consumed);

        using var json = JsonDocument.Parse(MessageJson.ToUtf8(consumed));
        Assert.Equal("revocation", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(record, json.RootElement.GetProperty("dn").GetString());
        Assert.Equal(record, json.RootElement.GetProperty("certificateRecordDn").GetString());
        Assert.Equal("2026-11-27T12:00:05.000Z", json.RootElement.GetProperty("revokedAt").GetString());
        Assert.False(json.RootElement.TryGetProperty("uid", out _));
        Assert.False(json.RootElement.TryGetProperty("recordCreatedAt", out _));
        Assert.Equal("revocation.consumed", consumed.RoutingKey());
    }

    [Fact]
    public void It_reads_back_and_ignores_unknown_members()
    {
        var consumed = TokenConsumedEvent.Revocation("cd34", "6699", "cn=6699,o=x", null, Consumed);
        var text = Json(consumed).Replace("{", "{\"future\":1,", StringComparison.Ordinal);
        Assert.Equal(consumed, MessageJson.ReadConsumed(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("""{"version":1,"kind":"enrollment","dn":"d","serial":"1","certificateRecordDn":"r","consumedAt":"2026-11-27T12:00:05.250Z"}""")]
    [InlineData("""{"version":1,"kind":"enrollment","tokenSha256":"a","dn":"d","serial":"1","certificateRecordDn":"r"}""")]
    [InlineData("null")]
    public void A_missing_required_member_is_refused(string json) =>
        Assert.ThrowsAny<JsonException>(() => MessageJson.ReadConsumed(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Empty_identifiers_are_refused() =>
        Assert.Throws<ArgumentException>(() => TokenConsumedEvent.Enrollment("", "dn", null, "1", "r", null, Consumed));

    [Fact]
    public void Only_enrollment_and_revocation_have_the_event()
    {
        var clear = new TokenConsumedEvent(1, RequestKind.Clear, "a", "d", null, "1", "r", null, null, Consumed);
        Assert.Equal("clear.consumed", clear.RoutingKey()); // the type allows it; the factories never make one
    }
}
