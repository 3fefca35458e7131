using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Lifecycle;

/// <summary>
/// Publishing the lifecycle's events (consumed and expired tokens): until the broker confirms. The
/// removal has happened and no other worker will report it (their deletes fail), so the event is not
/// given up while the worker runs; a worker that stops first logs it lost.
/// </summary>
internal static class LifecycleEvents
{
    /// <summary>Pause before publishing an event again; doubles up to <see cref="MaxPublishDelay"/>.</summary>
    public static readonly TimeSpan FirstPublishDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxPublishDelay = TimeSpan.FromSeconds(30);

    public static async Task PublishUntilConfirmedAsync(Func<CancellationToken, Task> publish, string routingKey, string tokenSha256, string dn,
        string? serial, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var delay = FirstPublishDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await publish(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                LifecycleLog.EventLost(logger, routingKey, tokenSha256, dn, serial ?? "-");
                throw;
            }
            catch (Exception e)
            {
                LifecycleLog.EventNotPublished(logger, routingKey, tokenSha256, attempt, e.Message, delay);
            }
            try
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LifecycleLog.EventLost(logger, routingKey, tokenSha256, dn, serial ?? "-");
                throw;
            }
            delay = TimeSpan.FromTicks(Math.Min(MaxPublishDelay.Ticks, delay.Ticks * 2));
        }
    }
}
