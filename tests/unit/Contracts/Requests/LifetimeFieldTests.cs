using System.Text;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Tests.Unit.Contracts.Requests;

/// <summary>The optional <c>lifetimeSeconds</c> (docs/messages.md, "Fields"): a JSON integer, 1 to 366 days, enrollment and revocation only.</summary>
public sealed class LifetimeFieldTests
{
    private static readonly RequestParser Parser = new(["email"]);

    private const string Delivery = """ "delivery": {"channel": "email", "address": "jdoe@example.com"} """;

    private static ParseResult Parse(string json) => Parser.Parse(Encoding.UTF8.GetBytes(json), null);

    private static string Enrollment(string lifetime) =>
        $$"""{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "jdoe", {{Delivery}}, "lifetimeSeconds": {{lifetime}}}""";

    [Theory]
    [InlineData("1", 1)]
    [InlineData("30", 30)]
    [InlineData("31622400", 31_622_400)]
    public void An_enrollment_may_ask_for_a_lifetime(string value, long seconds)
    {
        var result = Parse(Enrollment(value));
        Assert.True(result.Succeeded, result.Rejection?.Message);
        Assert.Equal(TimeSpan.FromSeconds(seconds), result.Request.Lifetime);
    }

    [Fact]
    public void A_revocation_may_ask_for_a_lifetime_and_a_request_without_one_has_none()
    {
        var revocation = Parse($$"""{"version": 1, "kind": "revocation", "requestId": "r1", "serial": "6699", {{Delivery}}, "lifetimeSeconds": 600}""");
        Assert.Equal(TimeSpan.FromMinutes(10), revocation.Request!.Lifetime);
        var plain = Parse($$"""{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "jdoe", {{Delivery}}}""");
        Assert.Null(plain.Request!.Lifetime);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("31622401")]
    [InlineData("30.0")]
    [InlineData("3e1")]
    [InlineData("\"30\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("99999999999999999999999")]
    public void Anything_but_an_integer_from_1_to_366_days_is_refused_naming_the_field(string value)
    {
        var result = Parse(Enrollment(value));
        Assert.False(result.Succeeded);
        Assert.Equal(ErrorCodes.InvalidRequest, result.Rejection!.Code);
        Assert.Contains("'lifetimeSeconds'", result.Rejection.Message, StringComparison.Ordinal);
        Assert.Equal("r1", result.Rejection.RequestId);
    }

    [Fact]
    public void A_clear_may_not_ask_for_a_lifetime()
    {
        var result = Parse("""{"version": 1, "kind": "clear", "requestId": "r1", "uid": "jdoe", "lifetimeSeconds": 30}""");
        Assert.False(result.Succeeded);
        Assert.Equal(ErrorCodes.InvalidRequest, result.Rejection!.Code);
        Assert.Contains("'lifetimeSeconds' is not a field of a clear request", result.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_field_name_is_case_sensitive()
    {
        var result = Parse($$"""{"version": 1, "kind": "enrollment", "requestId": "r1", "uid": "jdoe", {{Delivery}}, "LifetimeSeconds": 30}""");
        Assert.False(result.Succeeded);
        Assert.Contains("did you mean 'lifetimeSeconds'?", result.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_new_code_is_in_the_closed_set() => Assert.True(ErrorCodes.IsKnown(ErrorCodes.LifetimeTooLong));

    [Fact]
    public void The_contract_library_writes_the_field_the_parser_reads()
    {
        var body = RequestBody.Write("revocation", "r9", null, "6699", "email", "x@example.com", null, lifetimeSeconds: 20);
        var result = Parser.Parse(body, null);
        Assert.True(result.Succeeded, result.Rejection?.Message);
        Assert.Equal(TimeSpan.FromSeconds(20), result.Request.Lifetime);
        var without = Parser.Parse(RequestBody.Write("revocation", "r9", null, "6699", "email", "x@example.com", null), null);
        Assert.True(without.Succeeded);
        Assert.Null(without.Request!.Lifetime);
    }
}
