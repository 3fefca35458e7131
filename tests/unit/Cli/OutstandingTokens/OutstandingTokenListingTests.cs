using System.Text.Json;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using ShrTok;
using ShrTok.OutstandingTokens;

namespace SharedSecretWorker.Tests.Unit.Cli.OutstandingTokens;

public sealed class OutstandingTokenListingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Sha = "0123456789ab" + new string('c', 52);
    private static readonly string Cert = "fedcba987654" + new string('d', 52);

    private static OutstandingToken Recorded(TimeSpan age, TimeSpan? lifetime, string? wrappedTo = null, string? batch = null) =>
        new(RequestKind.Enrollment, "uid=jdoe,ou=people,dc=example,dc=com", "jdoe", null, Sha,
            new TokenMetadata(Sha, Now - age, lifetime is { } l ? Now - age + l : null, "idm-0419", batch, wrappedTo), Now - age + TimeSpan.FromSeconds(1));

    private static OutstandingToken Unrecorded(TimeSpan age) =>
        new(RequestKind.Revocation, "cn=6699,ou=certificateRepository,ou=ca,dc=example,dc=com", null, "6699", Sha, null, Now - age);

    [Fact]
    public void Expiring_within_takes_tokens_expiring_before_the_span_ends_the_overdue_included_and_never_those_of_unknown_expiry()
    {
        var filter = new OutstandingTokenFilter(Now, TimeSpan.FromHours(1), null, null);
        Assert.True(filter.Matches(Recorded(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(30), TimeSpan.FromDays(7))));
        Assert.True(filter.Matches(Recorded(TimeSpan.FromDays(8), TimeSpan.FromDays(7))));
        Assert.False(filter.Matches(Recorded(TimeSpan.FromDays(1), TimeSpan.FromDays(7))));
        Assert.False(filter.Matches(Recorded(TimeSpan.FromDays(1), null)));
        Assert.False(filter.Matches(Unrecorded(TimeSpan.FromDays(100))));
    }

    [Fact]
    public void Older_than_takes_tokens_issued_before_the_span_and_the_unrecorded_whose_age_is_only_a_lower_bound()
    {
        var filter = new OutstandingTokenFilter(Now, null, TimeSpan.FromDays(3), null);
        Assert.True(filter.Matches(Recorded(TimeSpan.FromDays(4), TimeSpan.FromDays(7))));
        Assert.False(filter.Matches(Recorded(TimeSpan.FromDays(2), TimeSpan.FromDays(7))));
        Assert.True(filter.Matches(Unrecorded(TimeSpan.FromDays(4))));
    }

    [Fact]
    public void Wrapped_to_takes_only_tokens_recorded_with_that_certificate()
    {
        var filter = new OutstandingTokenFilter(Now, null, null, Cert);
        Assert.True(filter.Matches(Recorded(TimeSpan.FromDays(1), TimeSpan.FromDays(7), Cert)));
        Assert.False(filter.Matches(Recorded(TimeSpan.FromDays(1), TimeSpan.FromDays(7), new string('e', 64))));
        Assert.False(filter.Matches(Recorded(TimeSpan.FromDays(1), TimeSpan.FromDays(7))));
        Assert.False(filter.Matches(Unrecorded(TimeSpan.FromDays(1))));
    }

    [Fact]
    public void A_row_shows_age_expiry_request_batch_and_digest_prefixes_and_marks_what_is_unknown()
    {
        var row = OutstandingTokenTable.Row(Recorded(TimeSpan.FromHours(30), TimeSpan.FromDays(7), Cert, "onboarding-1"), Now);
        Assert.Equal(
            "enrollment  jdoe                  1d 06h    2026-12-08 06:00:00   idm-0419                  onboarding-1      fedcba987654  0123456789ab",
            row);
        var overdue = OutstandingTokenTable.Row(Recorded(TimeSpan.FromDays(8), TimeSpan.FromDays(7)), Now);
        Assert.Contains("2026-12-01 12:00:00 OVERDUE", overdue, StringComparison.Ordinal);
        var unknown = OutstandingTokenTable.Row(Unrecorded(TimeSpan.FromMinutes(5)), Now);
        Assert.Equal("revocation  6699                  5m 00s+   ?                     ?                         -                 ?             0123456789ab", unknown);
    }

    [Fact]
    public void A_json_line_carries_the_record_and_says_where_the_issue_time_comes_from()
    {
        using var recorded = JsonDocument.Parse(OutstandingTokenJson.Line(Recorded(TimeSpan.FromSeconds(90), TimeSpan.FromDays(7), Cert), Now));
        var r = recorded.RootElement;
        Assert.Equal("enrollment", r.GetProperty("kind").GetString());
        Assert.Equal("jdoe", r.GetProperty("uid").GetString());
        Assert.Equal(Sha, r.GetProperty("tokenSha256").GetString());
        Assert.Equal("2026-12-02T11:58:30Z", r.GetProperty("issuedAt").GetString());
        Assert.Equal("recorded", r.GetProperty("issuedAtSource").GetString());
        Assert.Equal(90, r.GetProperty("ageSeconds").GetInt64());
        Assert.Equal("2026-12-09T11:58:30Z", r.GetProperty("expiresAt").GetString());
        Assert.False(r.GetProperty("overdue").GetBoolean());
        Assert.Equal("idm-0419", r.GetProperty("requestId").GetString());
        Assert.Equal(Cert, r.GetProperty("wrappedTo").GetString());
        Assert.False(r.TryGetProperty("batchId", out _));

        using var unrecorded = JsonDocument.Parse(OutstandingTokenJson.Line(Unrecorded(TimeSpan.FromMinutes(5)), Now));
        var u = unrecorded.RootElement;
        Assert.Equal("6699", u.GetProperty("serial").GetString());
        Assert.Equal("entryModified", u.GetProperty("issuedAtSource").GetString());
        Assert.False(u.TryGetProperty("expiresAt", out _));
        Assert.False(u.TryGetProperty("requestId", out _));
        Assert.DoesNotContain("uid", u.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("12h", 43200)]
    [InlineData("7d", 604800)]
    [InlineData("0s", 0)]
    public void A_span_is_a_count_and_a_unit(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var span));
        Assert.Equal(TimeSpan.FromSeconds(seconds), span);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("7w")]
    [InlineData("-5m")]
    [InlineData("5 m")]
    [InlineData("1.5h")]
    [InlineData("7D")]
    public void Anything_else_is_not_a_span(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData(45, "45s")]
    [InlineData(750, "12m 30s")]
    [InlineData(14700, "4h 05m")]
    [InlineData(601200, "6d 23h")]
    [InlineData(-30, "-30s")]
    public void A_span_prints_in_its_largest_units(int seconds, string text) => Assert.Equal(text, DurationText.Format(TimeSpan.FromSeconds(seconds)));
}
