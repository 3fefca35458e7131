namespace SharedSecretWorker.Processing;

/// <summary>
/// A publish was not confirmed (connection lost, channel closed, broker nack, no confirm in time): transient.
/// <see cref="MessageUnroutableException"/> is the case where the broker returned the message because no
/// queue was bound to take it.
/// </summary>
public class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
