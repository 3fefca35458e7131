namespace SharedSecretWorker.Processing;

/// <summary>A publish was not confirmed (connection lost, channel closed, broker nack, unroutable): transient.</summary>
public sealed class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
