using System.Diagnostics;
using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class PublishPacerTests
{
    [Fact]
    public async Task A_rate_spaces_the_turns()
    {
        var pacer = new PublishPacer(200, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 41; i++) await pacer.WaitTurnAsync(CancellationToken.None);
        // 40 intervals of 5 ms: at least 200 ms.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(195), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task No_rate_never_waits()
    {
        var pacer = new PublishPacer(null, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 10_000; i++) await pacer.WaitTurnAsync(CancellationToken.None);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1));
    }
}
