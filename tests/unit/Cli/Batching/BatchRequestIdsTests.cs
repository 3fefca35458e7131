using SharedSecretWorker.Contracts.Requests;
using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class BatchRequestIdsTests
{
    [Fact]
    public void A_plain_uid_is_spelled_out()
    {
        Assert.Equal("onb-1:enrollment:jdoe", BatchRequestIds.For("onb-1", RequestKind.Enrollment, "jdoe", 0));
        Assert.Equal("onb-1:enrollment:jdoe:r2", BatchRequestIds.For("onb-1", RequestKind.Enrollment, "jdoe", 2));
    }

    [Theory]
    [InlineData("john doe")]
    [InlineData("a+b@example")]
    [InlineData("h.looks-hashed")]
    public void A_uid_outside_the_alphabet_is_hashed_the_same_way_whatever_its_case(string uid)
    {
        var id = BatchRequestIds.For("onb-1", RequestKind.Enrollment, uid, 0);
        Assert.StartsWith("onb-1:enrollment:h.", id, StringComparison.Ordinal);
        Assert.True(RequestIdSyntax.IsValid(id));
        Assert.Equal(id, BatchRequestIds.For("onb-1", RequestKind.Enrollment, uid.ToUpperInvariant(), 0));
    }

    [Fact]
    public void The_longest_batch_id_with_the_longest_uid_and_a_generation_still_fits()
    {
        var batch = new string('b', BatchRequestIds.MaxBatchIdLength);
        var id = BatchRequestIds.For(batch, RequestKind.Revocation, new string('u', 256), 999_999);
        Assert.True(RequestIdSyntax.IsValid(id), id);
        var plain = BatchRequestIds.For(batch, RequestKind.Enrollment, new string('u', 60), 999_999);
        Assert.True(RequestIdSyntax.IsValid(plain), plain);
    }

    [Theory]
    [InlineData("has:colon", "':'")]
    [InlineData("has space", "position 4")]
    [InlineData("", "empty")]
    public void Bad_batch_ids_are_refused(string batchId, string expected) =>
        Assert.Contains(expected, BatchRequestIds.BatchIdProblem(batchId));

    [Fact]
    public void A_batch_id_too_long_for_the_derived_ids_is_refused() =>
        Assert.Contains("at most 48", BatchRequestIds.BatchIdProblem(new string('x', 49)));

    [Fact]
    public void The_default_batch_id_comes_from_the_content()
    {
        var id = BatchRequestIds.Default(new byte[32]);
        Assert.Equal("b-0000000000000000", id);
        Assert.Null(BatchRequestIds.BatchIdProblem(id));
    }
}
