using System.Text;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Requests;

/// <summary>Valid requests (docs/messages.md), read into exactly the values they carry.</summary>
public sealed class RequestParserTests
{
    private static readonly RequestParser Parser = new(["email", "sms"]);

    private static WorkRequest Accept(string json, string? messageId = "amqp-1")
    {
        var result = Parser.Parse(Encoding.UTF8.GetBytes(json), messageId);
        Assert.True(result.Succeeded, result.Rejection?.Message);
        Assert.Null(result.Rejection);
        return result.Request;
    }

    [Fact]
    public void Reads_the_contracts_enrollment_example()
    {
        var request = Accept("""
            { "version": 1, "kind": "enrollment", "requestId": "idm-7f3a", "uid": "jdoe",
              "delivery": { "channel": "email", "address": "jdoe@example.com" },
              "batchId": "onboarding-2026-11" }
            """);

        Assert.Equal(
            new WorkRequest(RequestKind.Enrollment, "idm-7f3a", "onboarding-2026-11", "jdoe", null, new DeliveryTarget("email", "jdoe@example.com")),
            request);
        Assert.True(request.IsBulk);
    }

    [Fact]
    public void Reads_the_contracts_revocation_example_with_a_hex_serial()
    {
        var request = Accept("""
            { "version": 1, "kind": "revocation", "requestId": "idm-7f3b", "serial": "0x1A2B",
              "delivery": { "channel": "sms", "address": "+15550100" } }
            """);

        Assert.Equal(RequestKind.Revocation, request.Kind);
        Assert.Equal("idm-7f3b", request.RequestId);
        Assert.Equal("6699", request.Serial!.Value.Decimal);
        Assert.Null(request.Uid);
        Assert.Null(request.BatchId);
        Assert.False(request.IsBulk);
        Assert.Equal(new DeliveryTarget("sms", "+15550100"), request.Delivery);
    }

    [Theory]
    [InlineData("0x1A2B", "6699")]
    [InlineData("0x1a2b", "6699")]
    [InlineData("0X1A2B", "6699")]
    [InlineData("6699", "6699")]
    [InlineData("006699", "6699")]
    [InlineData("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "1461501637330902918203684832716283019655932542975")]
    public void Reads_decimal_and_hex_serials_into_the_decimal_form(string serial, string expectedDecimal)
    {
        var request = Accept($$$"""{"version": 1, "kind": "revocation", "requestId": "r1", "serial": "{{{serial}}}", "delivery": {"channel": "sms", "address": "+15550100"}}""");

        Assert.Equal(expectedDecimal, request.Serial!.Value.Decimal);
    }

    [Fact]
    public void Reads_the_contracts_clear_example_by_uid()
    {
        var request = Accept("""{ "version": 1, "kind": "clear", "requestId": "idm-7f3c", "uid": "jdoe" }""");

        Assert.Equal(new WorkRequest(RequestKind.Clear, "idm-7f3c", null, "jdoe", null, null), request);
    }

    [Fact]
    public void Reads_a_clear_by_serial_in_a_batch()
    {
        var request = Accept("""{"version": 1, "kind": "clear", "requestId": "c1", "serial": "6699", "batchId": "cleanup-1"}""");

        Assert.Equal(RequestKind.Clear, request.Kind);
        Assert.Equal("6699", request.Serial!.Value.Decimal);
        Assert.Null(request.Uid);
        Assert.Null(request.Delivery);
        Assert.Equal("cleanup-1", request.BatchId);
    }

    [Fact]
    public void A_missing_requestId_is_taken_from_the_AMQP_message_id()
    {
        var request = Accept("""{"version": 1, "kind": "clear", "uid": "jdoe"}""", messageId: "amqp-msg:42");

        Assert.Equal("amqp-msg:42", request.RequestId);
    }

    [Fact]
    public void The_bodys_requestId_wins_over_the_message_id()
    {
        var request = Accept("""{"version": 1, "kind": "clear", "requestId": "from-body", "uid": "jdoe"}""", messageId: "from-amqp");

        Assert.Equal("from-body", request.RequestId);
    }

    [Fact]
    public void The_body_needs_no_message_id_when_it_has_a_requestId()
    {
        Assert.Equal("r1", Accept("""{"version": 1, "kind": "clear", "requestId": "r1", "uid": "jdoe"}""", messageId: null).RequestId);
    }

    [Fact]
    public void Members_may_come_in_any_order_with_any_white_space()
    {
        var request = Accept("\r\n\t{ \"delivery\" :{\"address\":\"a@b\" ,\"channel\":\"email\"},\n\"uid\":\"jdoe\",\"requestId\":\"r1\",\"kind\":\"enrollment\",\"version\":1 }\n");

        Assert.Equal(new WorkRequest(RequestKind.Enrollment, "r1", null, "jdoe", null, new DeliveryTarget("email", "a@b")), request);
    }

    [Fact]
    public void Escapes_are_read_as_the_characters_they_stand_for()
    {
        var request = Accept("""{"version": 1, "kind": "enrollment", "requestId": "r\u0031", "uid": "j\u0064oe", "delivery": {"channel": "email", "address": "j\u00F6rg@example.com"}}""");

        Assert.Equal("r1", request.RequestId);
        Assert.Equal("jdoe", request.Uid);
        Assert.Equal("jörg@example.com", request.Delivery!.Address);
    }

    [Theory]
    [InlineData("A.z_9:-")]
    [InlineData("x")]
    public void Accepts_every_requestId_character_the_contract_allows(string requestId)
    {
        Assert.Equal(requestId, Accept($$"""{"version": 1, "kind": "clear", "requestId": "{{requestId}}", "uid": "jdoe"}""").RequestId);
    }

    [Fact]
    public void Accepts_a_requestId_and_batchId_of_128_characters()
    {
        var id = new string('7', RequestIdSyntax.MaxLength);

        var request = Accept($$"""{"version": 1, "kind": "clear", "requestId": "{{id}}", "batchId": "{{id}}", "uid": "jdoe"}""");

        Assert.Equal(id, request.RequestId);
        Assert.Equal(id, request.BatchId);
    }

    [Theory]
    [InlineData("jörg@exämple.com")]
    [InlineData("+1 555 0100")]
    [InlineData("用户@例子.广告")]
    [InlineData("😀@example.com")]
    public void Accepts_printable_international_addresses(string address)
    {
        var request = Accept($$$"""{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "jdoe", "delivery": {"channel": "email", "address": "{{{address}}}"}}""");

        Assert.Equal(address, request.Delivery!.Address);
    }

    [Fact]
    public void Accepts_an_address_of_320_characters_counting_code_points()
    {
        var address = string.Concat(Enumerable.Repeat("😀", RequestParser.MaxAddressLength));

        var request = Accept($$$"""{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "jdoe", "delivery": {"channel": "email", "address": "{{{address}}}"}}""");

        Assert.Equal(address, request.Delivery!.Address);
    }

    [Fact]
    public void Knows_the_channels_it_was_given()
    {
        Assert.Equal(["email", "sms"], Parser.KnownChannels.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_parser_without_channels_refuses_every_delivery_but_still_clears()
    {
        var parser = new RequestParser([]);

        var enrollment = parser.Parse("""{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": "a@b"}}"""u8.ToArray(), null);
        var clear = parser.Parse("""{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a"}"""u8.ToArray(), null);

        Assert.Equal("unknown-channel", enrollment.Rejection!.Code);
        Assert.Contains("(configured: none)", enrollment.Rejection.Message, StringComparison.Ordinal);
        Assert.True(clear.Succeeded);
    }

    [Fact]
    public void Parses_from_a_slice_of_a_larger_buffer()
    {
        var bytes = Encoding.UTF8.GetBytes("xx{\"version\": 1, \"kind\": \"clear\", \"requestId\": \"r1\", \"uid\": \"a\"}yy");

        var result = Parser.Parse(bytes.AsMemory(2, bytes.Length - 4), null);

        Assert.True(result.Succeeded, result.Rejection?.Message);
    }
}
