namespace SharedSecretWorker.Processing;

/// <summary>
/// What the broker adapter's message pump calls for each delivery, the way NServiceBus.RabbitMQ's
/// pump calls <c>OnMessage</c>: processing decides the outcome and the settlement, and settles the
/// delivery through <paramref name="delivery"/> only after everything it published was confirmed.
/// </summary>
public interface IMessageHandler
{
    /// <param name="message">The delivery, copied into plain values.</param>
    /// <param name="delivery">Acknowledges the delivery or hands it back to the broker.</param>
    /// <param name="abandon">Cancelled when shutdown hands running jobs back.</param>
    Task OnMessageAsync(InboundMessage message, IDeliveryAcknowledgement delivery, CancellationToken abandon);
}
