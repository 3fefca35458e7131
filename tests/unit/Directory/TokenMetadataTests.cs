using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Unit.Directory;

public sealed class TokenMetadataTests
{
    private static readonly string Sha = new('a', 64);
    private static readonly DateTimeOffset Issued = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_line_reads_back_as_it_was_written()
    {
        var metadata = new TokenMetadata(Sha, Issued, Issued.AddDays(7), "idm-0419", "onboarding-2026-11", new string('b', 64));
        var line = metadata.Format();
        Assert.Equal($"v=1 sha256={Sha} issued=20261202120000Z notAfter=20261209120000Z request=idm-0419 batch=onboarding-2026-11 wrappedTo={new string('b', 64)}", line);
        Assert.Equal(metadata, TokenMetadata.Parse(line));
    }

    [Fact]
    public void Optional_parts_are_left_out_and_read_as_absent()
    {
        var metadata = new TokenMetadata(Sha, Issued, null, "r-1", null, null);
        Assert.Equal($"v=1 sha256={Sha} issued=20261202120000Z request=r-1", metadata.Format());
        var read = TokenMetadata.Parse(metadata.Format())!;
        Assert.Null(read.NotAfter);
        Assert.False(read.IsExpiredAt(Issued.AddYears(10)));
    }

    [Fact]
    public void The_metaInfo_form_carries_its_key_and_is_read_ignoring_its_case()
    {
        var metadata = new TokenMetadata(Sha, Issued, Issued.AddSeconds(30), "r-2", null, null);
        var value = metadata.FormatMetaInfo();
        Assert.StartsWith("revShrTokInfo:v=1 ", value, StringComparison.Ordinal);
        Assert.Equal(metadata, TokenMetadata.ParseMetaInfo(value));
        Assert.Equal(metadata, TokenMetadata.ParseMetaInfo("REVSHRTOKINFO:" + metadata.Format()));
        Assert.Null(TokenMetadata.ParseMetaInfo("revShrTok:AAAA"));
        Assert.Null(TokenMetadata.ParseMetaInfo("requestId:7"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v=2 sha256=aa issued=20261202120000Z request=r")]
    [InlineData("sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa issued=20261202120000Z request=r")]
    [InlineData("v=1 sha256=short issued=20261202120000Z request=r")]
    [InlineData("v=1 sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa issued=2026-12-02 request=r")]
    [InlineData("v=1 sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa issued=20261202120000Z")]
    [InlineData("v=1 sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa issued=20261202120000Z request=r notAfter=soon")]
    [InlineData("v=1 junk sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa issued=20261202120000Z request=r")]
    public void A_line_that_is_not_version_1_or_lacks_a_required_part_is_not_read(string line)
        => Assert.Null(TokenMetadata.Parse(line));

    [Fact]
    public void Unknown_keys_are_ignored_for_later_versions_of_the_writer()
    {
        var read = TokenMetadata.Parse($"v=1 sha256={Sha} issued=20261202120000Z request=r future=x");
        Assert.NotNull(read);
    }

    [Fact]
    public void A_token_is_expired_from_its_notAfter_on()
    {
        var metadata = new TokenMetadata(Sha, Issued, Issued.AddSeconds(30), "r", null, null);
        Assert.False(metadata.IsExpiredAt(Issued.AddSeconds(29)));
        Assert.True(metadata.IsExpiredAt(Issued.AddSeconds(30)));
        Assert.Equal(Issued, TokenMetadata.ToSeconds(Issued.AddMilliseconds(999)));
    }
}
