using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>
/// Acknowledges one delivery on the channel it came from, and tells whether it is still this worker's
/// (<paramref name="ownership"/>, the consumer registration it came through). A closed channel means
/// the broker has already requeued the delivery (AMQP 0-9-1: unacknowledged deliveries return when
/// their channel closes), which processing hears as <see cref="BrokerUnavailableException"/>.
/// </summary>
internal sealed class ChannelAcknowledgement(IChannel channel, ulong deliveryTag, ConsumerOwnership ownership) : IDeliveryAcknowledgement
{
    public bool IsOwned => ownership.IsOwned;

    public IDisposable? TryHold() => ownership.TryHold();

    public ValueTask AckAsync() => SettleAsync(static (c, tag) => c.BasicAckAsync(tag, multiple: false), "acknowledge");

    public ValueTask HandBackAsync() => SettleAsync(static (c, tag) => c.BasicNackAsync(tag, multiple: false, requeue: true), "hand back");

    private async ValueTask SettleAsync(Func<IChannel, ulong, ValueTask> settle, string what)
    {
        try
        {
            await settle(channel, deliveryTag).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            throw new BrokerUnavailableException($"Could not {what} the delivery: its channel is closed ({ex.GetBaseException().Message}).", ex);
        }
    }
}
