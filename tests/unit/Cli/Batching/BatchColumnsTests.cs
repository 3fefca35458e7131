using SharedSecretWorker.Contracts.Requests;
using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class BatchColumnsTests
{
    [Fact]
    public void The_target_column_decides_the_kind()
    {
        var enrollment = BatchColumns.Parse(["uid", "channel", "address"], out _)!;
        Assert.Equal(RequestKind.Enrollment, enrollment.Kind);
        Assert.Equal((0, 1, 2), (enrollment.TargetIndex, enrollment.ChannelIndex, enrollment.AddressIndex));
        var revocation = BatchColumns.Parse(["channel", "address", "serial"], out _)!;
        Assert.Equal(RequestKind.Revocation, revocation.Kind);
        Assert.Equal(2, revocation.TargetIndex);
    }

    [Fact]
    public void Column_names_are_exact()
    {
        Assert.Null(BatchColumns.Parse(["UID", "channel", "address"], out var problem));
        Assert.Contains("'UID'", problem);
    }
}
