using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Tests.Unit.Directory.Ldap;

public sealed class GeneralizedTimeTests
{
    [Theory]
    [InlineData("20261127120000Z", "2026-11-27T12:00:00.0000000+00:00")]
    [InlineData("20261127120000.5Z", "2026-11-27T12:00:00.5000000+00:00")]
    [InlineData("20261127120000.123Z", "2026-11-27T12:00:00.1230000+00:00")]
    [InlineData("20261127120000,25Z", "2026-11-27T12:00:00.2500000+00:00")]
    public void Reads_the_directorys_UTC_forms(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), GeneralizedTime.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("20261127120000")] // no zone: local time of somewhere
    [InlineData("20261127120000+0100")]
    [InlineData("2026112712Z")]
    [InlineData("20261327120000Z")]
    [InlineData("yesterday")]
    public void Anything_else_is_no_time(string? text) => Assert.Null(GeneralizedTime.Parse(text));

    [Fact]
    public void Formats_the_checkpoint_with_milliseconds_and_Dogtag_dates_in_whole_seconds()
    {
        var value = new DateTimeOffset(2026, 11, 27, 13, 0, 0, 250, TimeSpan.FromHours(1));
        Assert.Equal("20261127120000.250Z", GeneralizedTime.Format(value));
        Assert.Equal("20261127120000Z", GeneralizedTime.FormatDogtag(value));
        Assert.Equal(value, GeneralizedTime.Parse(GeneralizedTime.Format(value)));
    }
}
