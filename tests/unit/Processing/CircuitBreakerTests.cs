using Microsoft.Extensions.Logging.Abstractions;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing;

public sealed class CircuitBreakerTests
{
    private static readonly CircuitBreakerOptions Fast = new() { FailureThreshold = 2, ProbeInterval = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public async Task Opens_after_the_threshold_and_closes_when_a_probe_succeeds()
    {
        var healthy = false;
        var probes = 0;
        using var breaker = new CircuitBreaker("directory", _ =>
        {
            Interlocked.Increment(ref probes);
            return healthy ? Task.CompletedTask : throw new InvalidOperationException("still down");
        }, Fast, TimeProvider.System, NullLogger.Instance);

        breaker.ReportTransientFailure();
        Assert.False(breaker.IsOpen);
        breaker.ReportTransientFailure();
        Assert.True(breaker.IsOpen);

        var waiting = breaker.WaitUntilClosedAsync(CancellationToken.None);
        // Probes keep running while open (polled, not slept: the machine may be loaded).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref probes) < 2 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(Volatile.Read(ref probes) >= 2, "probes keep running while open");
        Assert.False(waiting.IsCompleted);

        healthy = true;
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public void A_success_resets_the_count()
    {
        using var breaker = new CircuitBreaker("hsm", _ => Task.CompletedTask, Fast, TimeProvider.System, NullLogger.Instance);
        breaker.ReportTransientFailure();
        breaker.ReportSuccess();
        breaker.ReportTransientFailure();
        Assert.False(breaker.IsOpen);
        Assert.True(breaker.WaitUntilClosedAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_worker_fault_opens_at_once_names_itself_and_closes_only_when_its_own_check_passes_too()
    {
        var fixedNow = false;
        var checks = 0;
        using var breaker = new CircuitBreaker("directory", _ => Task.CompletedTask, Fast, TimeProvider.System, NullLogger.Instance);

        // Threshold 2, one report: a worker fault needs no second failure.
        breaker.ReportWorkerFault("insufficient access (test)", _ =>
        {
            Interlocked.Increment(ref checks);
            return fixedNow ? Task.CompletedTask : throw new InvalidOperationException("still refused");
        });
        Assert.True(breaker.IsOpen);
        Assert.Equal("insufficient access (test)", breaker.Fault);

        // The dependency's own probe passes all along; the fault's check keeps the breaker open.
        var waiting = breaker.WaitUntilClosedAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref checks) < 3 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(Volatile.Read(ref checks) >= 3, "the fault's check runs at every probe");
        Assert.False(waiting.IsCompleted);
        Assert.True(breaker.IsOpen);

        fixedNow = true;
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(breaker.IsOpen);
        Assert.Null(breaker.Fault);
    }
}
