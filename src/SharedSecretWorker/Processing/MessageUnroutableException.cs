namespace SharedSecretWorker.Processing;

/// <summary>
/// The broker returned a message published with <c>mandatory</c> (basic.return): no queue is bound to
/// receive it. For a delivery notice the request fails with <c>notice-unroutable</c> (transient); for a
/// delayed-delivery or dead-letter copy the delivery is handed back, as for any unconfirmed publish.
/// </summary>
public sealed class MessageUnroutableException(string message, Exception? inner = null) : BrokerUnavailableException(message, inner);
