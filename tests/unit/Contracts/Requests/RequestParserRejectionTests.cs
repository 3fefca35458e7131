using System.Text;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Requests;

/// <summary>Every way a body can be wrong, each with the exact code and a fragment of the message that names the problem.</summary>
public sealed class RequestParserRejectionTests
{
    private const string MessageId = "amqp-1";
    private const string Invalid = ErrorCodes.InvalidRequest;
    private const string UnknownChannel = ErrorCodes.UnknownChannel;

    private static readonly RequestParser Parser = new(["email", "sms"]);

    /// <summary>Columns: name (for the test runner), body, expected code, expected message fragment.</summary>
    public static TheoryData<string, string, string, string> Malformed => new()
    {
        // Not JSON, not one object.
        { "empty", "", Invalid, "The body is empty" },
        { "white space only", " \r\n\t ", Invalid, "The body is empty" },
        { "plain text", "hello", Invalid, "not valid JSON: line 1, byte 1" },
        { "array", "[1]", Invalid, "The body is an array; a request is a JSON object" },
        { "string", "\"enrollment\"", Invalid, "The body is a string" },
        { "JSON null", "null", Invalid, "The body is null" },
        { "number", "1", Invalid, "The body is a number" },
        { "truncated", """{"version": 1, "kind": "clear", """, Invalid, "not valid JSON" },
        { "unterminated string", """{"version": 1, "kind": "clear}""", Invalid, "not valid JSON" },
        { "trailing text", """{"version": 1, "kind": "clear", "uid": "a"} x""", Invalid, "data after the request object" },
        { "two objects", """{"version": 1, "kind": "clear", "uid": "a"}{}""", Invalid, "data after the request object" },
        { "trailing comma", """{"version": 1, "kind": "clear", "uid": "a",}""", Invalid, "trailing comma" },
        { "comment", """{"version": 1, /* hi */ "kind": "clear", "uid": "a"}""", Invalid, "not valid JSON" },
        { "single quotes", "{'version': 1}", Invalid, "not valid JSON" },
        { "lone surrogate in a field name", """{"version": 1, "\ud800": 1}""", Invalid, "field name with an escape sequence that is not valid UTF-16" },

        // version
        { "version missing", """{"kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'version' is missing" },
        { "version 2", """{"version": 2, "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Version 2 is not supported; this worker reads version 1 only" },
        { "version 2 with fields of its own", """{"version": 2, "kind": "clear", "requestId": "r1", "uid": "a", "priority": 9}""", Invalid, "Version 2 is not supported" },
        { "version 0", """{"version": 0, "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Version 0 is not supported" },
        { "version as string", """{"version": "1", "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'version' must be a JSON number (1), not a string" },
        { "version fractional", """{"version": 1.5, "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'version' must be an integer; '1.5'" },
        { "version 1.0", """{"version": 1.0, "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'version' must be an integer; '1.0'" },
        { "version huge", """{"version": 99999999999, "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'version' must be an integer" },
        { "version null", """{"version": null, "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'version' is null" },
        { "version misspelt", """{"Version": 1, "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Unknown field 'Version'; field names are case-sensitive: did you mean 'version'?" },

        // kind
        { "kind missing", """{"version": 1, "requestId": "r1", "uid": "a"}""", Invalid, "Field 'kind' is missing; it is one of enrollment, revocation, clear" },
        { "kind capitalised", """{"version": 1, "kind": "Enrollment", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'kind' is 'Enrollment'; it is one of" },
        { "kind unknown", """{"version": 1, "kind": "renewal", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'kind' is 'renewal'" },
        { "kind as number", """{"version": 1, "kind": 1, "requestId": "r1", "uid": "a"}""", Invalid, "Field 'kind' must be a JSON string, not a number" },
        { "kind null", """{"version": 1, "kind": null, "requestId": "r1", "uid": "a"}""", Invalid, "Field 'kind' is null" },

        // unknown and duplicate members
        { "unknown field", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a", "passphrase": "x"}""", Invalid, "Unknown field 'passphrase'; a version-1 request has only version, kind, requestId, batchId, uid, serial, delivery" },
        { "field name in the wrong case", """{"version": 1, "kind": "clear", "RequestId": "r1", "uid": "a"}""", Invalid, "did you mean 'requestId'?" },
        { "duplicate uid", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a", "uid": "b"}""", Invalid, "Field 'uid' appears more than once" },
        { "duplicate through an escape", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a", "u\u0069d": "b"}""", Invalid, "Field 'uid' appears more than once" },
        { "duplicate version", """{"version": 1, "version": 1, "kind": "clear", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'version' appears more than once" },
        { "nesting beyond the reader's depth", $$$"""{"version": 1, "extra": {{{new string('[', 40)}}}{{{new string(']', 40)}}}}""", Invalid, "not valid JSON" },
        { "unknown field with a nested value", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a", "extra": {"deep": [1, {"x": null}]}}""", Invalid, "Unknown field 'extra'" },

        // fields of another kind, missing fields
        { "serial on an enrollment", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "serial": "5", "delivery": {"channel": "email", "address": "a@b"}}""", Invalid, "Field 'serial' is not a field of an enrollment request" },
        { "uid on a revocation", """{"version": 1, "kind": "revocation", "requestId": "r1", "uid": "a", "serial": "5", "delivery": {"channel": "email", "address": "a@b"}}""", Invalid, "Field 'uid' is not a field of a revocation request" },
        { "delivery on a clear", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": "a@b"}}""", Invalid, "Field 'delivery' is not a field of a clear request" },
        { "clear with uid and serial", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a", "serial": "5"}""", Invalid, "not both" },
        { "clear with neither", """{"version": 1, "kind": "clear", "requestId": "r1"}""", Invalid, "it has neither" },
        { "enrollment without uid", """{"version": 1, "kind": "enrollment", "requestId": "r1", "delivery": {"channel": "email", "address": "a@b"}}""", Invalid, "Field 'uid' is missing; an enrollment request names the user" },
        { "enrollment without delivery", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a"}""", Invalid, "Field 'delivery' is missing; an enrollment request" },
        { "revocation without serial", """{"version": 1, "kind": "revocation", "requestId": "r1", "delivery": {"channel": "email", "address": "a@b"}}""", Invalid, "Field 'serial' is missing; a revocation request" },
        { "revocation without delivery", """{"version": 1, "kind": "revocation", "requestId": "r1", "serial": "5"}""", Invalid, "Field 'delivery' is missing; a revocation request" },

        // uid
        { "uid null", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": null}""", Invalid, "Field 'uid' is null" },
        { "uid number", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": 42}""", Invalid, "Field 'uid' must be a JSON string, not a number" },
        { "uid array", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": ["a"]}""", Invalid, "Field 'uid' must be a JSON string, not an array" },
        { "uid boolean", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": true}""", Invalid, "Field 'uid' must be a JSON string, not a boolean" },
        { "uid empty", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": ""}""", Invalid, "Field 'uid': The uid is empty" },
        { "uid non-ASCII", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "jdoé"}""", Invalid, "Field 'uid': The uid contains a non-ASCII character (U+00E9) at position 4" },
        { "uid with NUL", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "jd\u0000oe"}""", Invalid, "control character (U+0000)" },
        { "uid lone surrogate", """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "\ud800"}""", Invalid, "Field 'uid' holds an escape sequence that is not valid UTF-16" },

        // serial
        { "serial 0x without digits", """{"version": 1, "kind": "clear", "requestId": "r1", "serial": "0x"}""", Invalid, "Field 'serial': The serial number '0x' has no hexadecimal digits" },
        { "serial negative", """{"version": 1, "kind": "clear", "requestId": "r1", "serial": "-5"}""", Invalid, "Field 'serial': The serial number '-5' is negative" },
        { "serial not decimal", """{"version": 1, "kind": "clear", "requestId": "r1", "serial": "12a"}""", Invalid, "Field 'serial': The serial number '12a' is not a decimal number" },
        { "serial zero", """{"version": 1, "kind": "clear", "requestId": "r1", "serial": "0"}""", Invalid, "Field 'serial': The serial number is zero" },
        { "serial as JSON number", """{"version": 1, "kind": "clear", "requestId": "r1", "serial": 6699}""", Invalid, "Field 'serial' must be a JSON string, not a number" },
        { "serial of 2^160",  """{"version": 1, "kind": "clear", "requestId": "r1", "serial": "1461501637330902918203684832716283019655932542976"}""", Invalid, "larger than 20 octets" },

        // requestId, batchId
        { "requestId empty", """{"version": 1, "kind": "clear", "requestId": "", "uid": "a"}""", Invalid, "Field 'requestId' is empty" },
        { "requestId too long", $$"""{"version": 1, "kind": "clear", "requestId": "{{new string('r', 129)}}", "uid": "a"}""", Invalid, "Field 'requestId' is 129 characters long" },
        { "requestId with a space", """{"version": 1, "kind": "clear", "requestId": "a b", "uid": "a"}""", Invalid, "Field 'requestId' ('a b') holds ' ' (U+0020) at position 2" },
        { "requestId non-ASCII", """{"version": 1, "kind": "clear", "requestId": "idé", "uid": "a"}""", Invalid, "holds 'é' (U+00E9) at position 3" },
        { "requestId with a slash", """{"version": 1, "kind": "clear", "requestId": "a/b", "uid": "a"}""", Invalid, "holds '/' (U+002F)" },
        { "requestId number", """{"version": 1, "kind": "clear", "requestId": 7, "uid": "a"}""", Invalid, "Field 'requestId' must be a JSON string, not a number" },
        { "requestId null", """{"version": 1, "kind": "clear", "requestId": null, "uid": "a"}""", Invalid, "Field 'requestId' is null" },
        { "batchId with a slash", """{"version": 1, "kind": "clear", "requestId": "r1", "batchId": "x/y", "uid": "a"}""", Invalid, "Field 'batchId' ('x/y') holds '/'" },
        { "batchId null", """{"version": 1, "kind": "clear", "requestId": "r1", "batchId": null, "uid": "a"}""", Invalid, "Field 'batchId' is null" },
        { "batchId empty", """{"version": 1, "kind": "clear", "requestId": "r1", "batchId": "", "uid": "a"}""", Invalid, "Field 'batchId' is empty" },

        // delivery
        { "delivery as string", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": "email"}""", Invalid, "Field 'delivery' must be an object" },
        { "delivery null", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": null}""", Invalid, "Field 'delivery' is null" },
        { "delivery without channel", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"address": "a@b"}}""", Invalid, "Field 'delivery.channel' is missing" },
        { "delivery without address", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email"}}""", Invalid, "Field 'delivery.address' is missing" },
        { "delivery unknown field", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": "a@b", "priority": 1}}""", Invalid, "Unknown field 'delivery.priority'; 'delivery' has only channel, address" },
        { "delivery duplicate channel", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "channel": "sms", "address": "a@b"}}""", Invalid, "Field 'delivery.channel' appears more than once" },
        { "delivery address number", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": 5550100}}""", Invalid, "Field 'delivery.address' must be a JSON string, not a number" },
        { "address empty", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": ""}}""", Invalid, "Field 'delivery.address' is empty" },
        { "address with a line feed", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": "a@b\nBcc: x"}}""", Invalid, "Field 'delivery.address' holds U+000A at position 4, which is not printable" },
        { "address with a bidi override", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": "a\u202Eb@c"}}""", Invalid, "holds U+202E at position 2" },
        { "address too long", $$$"""{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": "{{{new string('a', 321)}}}"}}""", Invalid, "Field 'delivery.address' is 321 characters long; an address is 1 to 320 printable characters" },
        { "address with surrounding space", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "email", "address": " a@b"}}""", Invalid, "starts or ends with white space" },
        { "channel empty", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "", "address": "a@b"}}""", Invalid, "Field 'delivery.channel' is empty" },
        { "channel with a dot", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "e.mail", "address": "a@b"}}""", Invalid, "Field 'delivery.channel' ('e.mail') holds '.' (U+002E) at position 2" },
        { "channel non-ASCII", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "émail", "address": "a@b"}}""", Invalid, "holds 'é' (U+00E9) at position 1" },
        { "channel null", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": null, "address": "a@b"}}""", Invalid, "Field 'delivery.channel' is null" },
        { "channel not configured", """{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "a", "delivery": {"channel": "fax", "address": "a@b"}}""", UnknownChannel, "names 'fax', which is not a configured delivery channel with a recipient certificate (configured: email, sms)" },
        { "channel in the wrong case", """{"version": 1, "kind": "revocation", "requestId": "r1", "serial": "5", "delivery": {"channel": "Email", "address": "a@b"}}""", UnknownChannel, "names 'Email'" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Refuses_with_the_exact_code_and_a_message_naming_the_problem(string name, string body, string code, string fragment)
    {
        var result = Parser.Parse(Encoding.UTF8.GetBytes(body), MessageId);

        Assert.False(result.Succeeded, $"{name}: accepted {result.Request}");
        Assert.Null(result.Request);
        Assert.Equal(code, result.Rejection.Code);
        Assert.Contains(fragment, result.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_covers_at_least_forty_malformed_bodies() =>
        Assert.True(Malformed.Count >= 40, $"only {Malformed.Count} rows");

    [Fact]
    public void A_body_over_64_KiB_is_refused_before_it_is_read()
    {
        var padding = new string(' ', RequestParser.MaxBodyBytes);
        var body = Encoding.UTF8.GetBytes($$$"""{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a"}{{{padding}}}""");

        var result = Parser.Parse(body, MessageId);

        Assert.Equal(Invalid, result.Rejection!.Code);
        Assert.Contains($"The body is {body.Length} bytes; a request is at most 65536 bytes", result.Rejection.Message, StringComparison.Ordinal);
        Assert.Equal(MessageId, result.Rejection.RequestId);
    }

    [Fact]
    public void A_body_of_exactly_64_KiB_is_read()
    {
        var json = """{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a"}""";
        var body = Encoding.UTF8.GetBytes(json + new string(' ', RequestParser.MaxBodyBytes - json.Length));

        Assert.True(Parser.Parse(body, MessageId).Succeeded);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, 1, "0xFF")]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)'}' }, 3, "0xC3")]
    [InlineData(new byte[] { (byte)'{', 0xC0, 0xAF, (byte)'}' }, 2, "0xC0")] // overlong encoding of '/'
    [InlineData(new byte[] { (byte)'{', 0xED, 0xA0, 0x80, (byte)'}' }, 2, "0xED")] // UTF-8 encoded surrogate
    public void Invalid_UTF8_is_refused_with_the_offset(byte[] body, int position, string shownByte)
    {
        var result = Parser.Parse(body, MessageId);

        Assert.Equal(Invalid, result.Rejection!.Code);
        Assert.Contains($"The body is not valid UTF-8: byte {position} ({shownByte})", result.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_is_refused()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"version": 1, "kind": "clear", "requestId": "r1", "uid": "a"}""")).ToArray();

        var result = Parser.Parse(body, MessageId);

        Assert.Equal(Invalid, result.Rejection!.Code);
        Assert.Contains("byte order mark", result.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejection_reports_the_bodys_requestId_kind_and_batchId_even_when_they_come_after_the_fault()
    {
        var body = """{"version": 1, "extra": 1, "kind": "enrollment", "uid": "a", "requestId": "idm-9", "batchId": "b-1", "delivery": {"channel": "email", "address": "a@b"}}""";

        var rejection = Parser.Parse(Encoding.UTF8.GetBytes(body), MessageId).Rejection!;

        Assert.Contains("Unknown field 'extra'", rejection.Message, StringComparison.Ordinal);
        Assert.Equal("idm-9", rejection.RequestId);
        Assert.Equal(RequestKind.Enrollment, rejection.Kind);
        Assert.Equal("b-1", rejection.BatchId);
    }

    [Fact]
    public void An_unknown_channel_rejection_reports_the_request()
    {
        var body = """{"version": 1, "kind": "revocation", "serial": "0x1A2B", "requestId": "idm-9", "batchId": "b-1", "delivery": {"channel": "fax", "address": "5550100"}}""";

        var rejection = Parser.Parse(Encoding.UTF8.GetBytes(body), MessageId).Rejection!;

        Assert.Equal(UnknownChannel, rejection.Code);
        Assert.Equal(("idm-9", RequestKind.Revocation, "b-1"), (rejection.RequestId, rejection.Kind, rejection.BatchId));
    }

    [Fact]
    public void An_unreadable_body_reports_the_AMQP_message_id()
    {
        var rejection = Parser.Parse("not json"u8.ToArray(), "idm-from-amqp").Rejection!;

        Assert.Equal(Invalid, rejection.Code);
        Assert.Equal("idm-from-amqp", rejection.RequestId);
        Assert.Null(rejection.Kind);
        Assert.Null(rejection.BatchId);
    }

    [Fact]
    public void An_invalid_requestId_falls_back_to_the_message_id_on_the_rejection()
    {
        var rejection = Parser.Parse("""{"version": 1, "kind": "clear", "requestId": "a b", "uid": "a"}"""u8.ToArray(), "idm-from-amqp").Rejection!;

        Assert.Equal("idm-from-amqp", rejection.RequestId);
        Assert.Equal(RequestKind.Clear, rejection.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    public void A_missing_requestId_without_a_usable_message_id_is_refused(string? messageId)
    {
        var rejection = Parser.Parse("""{"version": 1, "kind": "clear", "uid": "a"}"""u8.ToArray(), messageId).Rejection!;

        Assert.Equal(Invalid, rejection.Code);
        Assert.Contains("Field 'requestId' is missing and the message has no usable AMQP message_id", rejection.Message, StringComparison.Ordinal);
        Assert.Null(rejection.RequestId);
    }

    [Fact]
    public void An_invalid_message_id_is_not_reported_as_the_requestId()
    {
        var rejection = Parser.Parse("garbage"u8.ToArray(), "bad id\n").Rejection!;

        Assert.Null(rejection.RequestId);
    }

    [Fact]
    public void Quoted_input_is_cut_short_and_control_characters_are_escaped()
    {
        var longKind = new string('k', 500);
        var body = $$"""{"version": 1, "kind": "\u0007{{longKind}}", "requestId": "r1", "uid": "a"}""";

        var message = Parser.Parse(Encoding.UTF8.GetBytes(body), MessageId).Rejection!.Message;

        Assert.Contains("(first 40 of 501 characters)", message, StringComparison.Ordinal);
        Assert.True(message.Length < 300, message);
        Assert.DoesNotContain('\u0007', message);
        Assert.Contains("'\\u0007kkk", message, StringComparison.Ordinal);
    }
}
