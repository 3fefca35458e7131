using ShrTok.Auditing;

namespace SharedSecretWorker.Tests.Unit.Cli.Auditing;

public sealed class SinceParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-12-01T08:00:00Z")]
    [InlineData("2026-12-01T08:00:00")]
    [InlineData("2026-12-01T08:00:00.000Z")]
    [InlineData("2026-12-01T10:00:00+02:00")]
    [InlineData("2026-12-01T03:00:00-05:00")]
    [InlineData(" 2026-12-01T08:00:00Z ")]
    public void An_ISO_time_is_that_instant_in_UTC_and_UTC_without_an_offset(string text)
    {
        Assert.True(SinceParser.TryParse(text, Now, out var since));

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), since);
        Assert.Equal(TimeSpan.Zero, since.Offset);
    }

    [Fact]
    public void A_date_alone_is_its_midnight_in_UTC()
    {
        Assert.True(SinceParser.TryParse("2026-12-01", Now, out var since));

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), since);
    }

    [Theory]
    [InlineData("90s", 0, 0, 90)]
    [InlineData("30m", 0, 30, 0)]
    [InlineData("12h", 12, 0, 0)]
    [InlineData("7d", 7 * 24, 0, 0)]
    [InlineData("0s", 0, 0, 0)]
    [InlineData("36h", 36, 0, 0)]
    [InlineData(" 30m ", 0, 30, 0)]
    public void A_span_with_a_unit_is_that_long_before_now(string text, int hours, int minutes, int seconds)
    {
        Assert.True(SinceParser.TryParse(text, Now, out var since));

        Assert.Equal(Now - new TimeSpan(hours, minutes, seconds), since);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("30")]
    [InlineData("30x")]
    [InlineData("7w")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("1.5h")]
    [InlineData("30 m")]
    [InlineData("m")]
    [InlineData("yesterday")]
    [InlineData("2026-13-01T08:00:00Z")]
    [InlineData("2026-12-01T25:00:00Z")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(SinceParser.TryParse(text, Now, out _));
    }
}
